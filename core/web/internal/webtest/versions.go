package webtest

// SmallVersion is a small version of the definitions, one process and its
// form, for the pages that list and compare recorded versions.
const SmallVersion = `apiVersion: vorgang/v1
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
