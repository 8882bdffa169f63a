package testkit

// SmallDesk is a desk of one process and its form (processes/antrag.yaml):
// for tests of changing definitions, which need one version to start from.
const SmallDesk = `apiVersion: vorgang/v1
kind: Process
id: antrag
title: Antrag
form: antrag
audience: [staff]
states:
  - {id: eingang, category: open}
  - {id: erledigt, category: closed}
transitions:
  - {id: erledigen, from: [eingang], to: erledigt}
---
apiVersion: vorgang/v1
kind: Form
id: antrag
title: Antrag
fields:
  - {id: summary, type: text, label: Betreff}
`
