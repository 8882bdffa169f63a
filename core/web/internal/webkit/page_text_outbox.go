package webkit

// The texts of the outbox page, the webhooks' test delivery, the exports
// and the reports, kept apart from pageTexts so the pages of several
// areas can add theirs side by side; init merges them.
var outboxTexts = map[string]map[Lang]string{
	"nav_outbox":                 {LangDE: "Postausgang", LangEN: "Outbox"},
	"outbox_heading":             {LangDE: "Postausgang", LangEN: "Outbox"},
	"outbox_help":                {LangDE: "Was vorgang über einen Vorgang hinaus noch zu tun hat: E-Mails, Webhook-Zustellungen, Untervorgänge. Fehlgeschlagenes kann erneut versucht, Wartendes oder Fehlgeschlagenes verworfen werden.", LangEN: "What vorgang still has to do beyond a ticket: mails, webhook deliveries, child tickets. Failed items can be retried; waiting or failed items can be discarded."},
	"outbox_filter":              {LangDE: "Postausgang filtern", LangEN: "Filter the outbox"},
	"outbox_state":               {LangDE: "Zustand", LangEN: "State"},
	"outbox_kind":                {LangDE: "Art", LangEN: "Kind"},
	"outbox_state_pending":       {LangDE: "Wartend oder erneuter Versuch", LangEN: "Queued or retrying"},
	"outbox_state_claimed":       {LangDE: "In Arbeit", LangEN: "In progress"},
	"outbox_state_failed":        {LangDE: "Fehlgeschlagen", LangEN: "Failed"},
	"outbox_state_done":          {LangDE: "Erledigt", LangEN: "Done"},
	"outbox_kind_mail":           {LangDE: "E-Mail", LangEN: "Mail"},
	"outbox_kind_notify":         {LangDE: "Benachrichtigung", LangEN: "Notification"},
	"outbox_kind_webhook":        {LangDE: "Webhook", LangEN: "Webhook"},
	"outbox_kind_create_child":   {LangDE: "Untervorgang anlegen", LangEN: "Create child ticket"},
	"outbox_kind_close_children": {LangDE: "Untervorgänge schließen", LangEN: "Close child tickets"},
	"outbox_kind_sla_hook":       {LangDE: "SLA-Skript", LangEN: "SLA script"},
	"outbox_what":                {LangDE: "Wofür", LangEN: "For"},
	"outbox_queued":              {LangDE: "Eingereiht", LangEN: "Queued"},
	"outbox_attempts":            {LangDE: "Versuche", LangEN: "Attempts"},
	"outbox_next":                {LangDE: "Nächster Versuch", LangEN: "Next attempt"},
	"outbox_reason":              {LangDE: "Grund", LangEN: "Reason"},
	"outbox_actions":             {LangDE: "Aktionen", LangEN: "Actions"},
	"outbox_retry":               {LangDE: "Erneut versuchen", LangEN: "Retry"},
	"outbox_discard":             {LangDE: "Verwerfen", LangEN: "Discard"},
	"outbox_none":                {LangDE: "Nichts in diesem Zustand.", LangEN: "Nothing in this state."},
	"outbox_pages":               {LangDE: "Seiten des Postausgangs", LangEN: "Pages of the outbox"},
	"outbox_first":               {LangDE: "Erste Seite", LangEN: "First page"},
	"outbox_more":                {LangDE: "Weitere", LangEN: "More"},
	"outbox_retried":             {LangDE: "Der Eintrag wird erneut versucht.", LangEN: "The item is retried."},
	"outbox_discarded":           {LangDE: "Der Eintrag wurde verworfen.", LangEN: "The item was discarded."},
	"webhooks_heading":           {LangDE: "Webhooks", LangEN: "Webhooks"},
	"webhooks_help":              {LangDE: "Eine Testzustellung geht signiert über den Postausgang an den Empfänger, wie jede andere, mit dem Ereignis webhook.test.", LangEN: "A test delivery goes to the receiver signed and through the outbox like any other, with the event webhook.test."},
	"webhooks_caption":           {LangDE: "Definierte Webhooks", LangEN: "Defined webhooks"},
	"webhooks_name":              {LangDE: "Webhook", LangEN: "Webhook"},
	"webhooks_url":               {LangDE: "Empfänger", LangEN: "Receiver"},
	"webhooks_log":               {LangDE: "Zustellungen", LangEN: "Deliveries"},
	"webhooks_test":              {LangDE: "Testzustellung senden", LangEN: "Send a test delivery"},
	"webhooks_none":              {LangDE: "Es ist kein Webhook definiert.", LangEN: "No webhook is defined."},
	"export_list":                {LangDE: "Die ganze Liste mit diesen Filtern herunterladen:", LangEN: "Download the whole list with these filters:"},
	"export_csv":                 {LangDE: "CSV", LangEN: "CSV"},
	"export_excel":               {LangDE: "CSV für Excel", LangEN: "CSV for Excel"},
	"export_xlsx":                {LangDE: "Excel-Arbeitsmappe (XLSX)", LangEN: "Excel workbook (XLSX)"},
	"webhook_test_queued":        {LangDE: "Die Testzustellung ist eingereiht.", LangEN: "The test delivery is queued."},
}

func init() {
	for k, v := range outboxTexts {
		pageTexts[k] = v
	}
}
