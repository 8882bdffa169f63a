package web

import (
	"crypto/rand"
	"fmt"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/form"
)

// langCookie keeps the language a visitor chose with ?lang=.
const langCookie = "vorgang_lang"

type langKeyType struct{}

var langKey = langKeyType{}

// pageLang is the language of a page: the one chosen with ?lang= on this
// request, else the one kept in the cookie, else Accept-Language, else
// German.
func pageLang(c *fiber.Ctx) lang {
	if l, ok := c.Locals(langKey).(lang); ok {
		return l
	}
	switch c.Cookies(langCookie) {
	case "de":
		return langDE
	case "en":
		return langEN
	}
	return requestLang(c)
}

// text returns a page text. A key without an entry shows as the key, which
// the tests catch (every key used by a template must exist in both
// languages).
func text(l lang, key string) string {
	if m, ok := pageTexts[key]; ok {
		if s := m[l]; s != "" {
			return s
		}
		return m[langDE]
	}
	return key
}

func randomText() string { return rand.Text() }

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// fileMessage is the message of an upload problem, naming the field.
func fileMessage(l lang, kind string, f *definition.Field, fileName string) string {
	label := f.Label.In(string(l))
	if fileName == "" {
		fileName = "?"
	}
	switch kind {
	case "file_type":
		return fmt.Sprintf(text(l, "upload_type"), label, fileName, acceptText(f))
	case "file_unknown":
		return fmt.Sprintf(text(l, "upload_unknown"), label)
	}
	return fmt.Sprintf(text(l, "upload_failed"), label, fileName)
}

// tooLargeMessage says that a file is over the limit of its field (the
// smaller of its max_size and the server's).
func tooLargeMessage(l lang, f *definition.Field, fileName string, limit int64) string {
	return fmt.Sprintf(text(l, "upload_too_large"), f.Label.In(string(l)), fileName, form.ByteSize(limit))
}

func acceptText(f *definition.Field) string {
	out := ""
	for i, a := range f.Accept {
		if i > 0 {
			out += ", "
		}
		switch a {
		case "image/png":
			a = "PNG"
		case "image/jpeg":
			a = "JPEG"
		case "application/pdf":
			a = "PDF"
		}
		out += a
	}
	return out
}

// pageTexts are the texts of the HTML pages, German and English.
var pageTexts = map[string]map[lang]string{
	"skip_to_content": {langDE: "Zum Inhalt springen", langEN: "Skip to content"},
	"nav_label":       {langDE: "Hauptnavigation", langEN: "Main navigation"},
	"nav_services":    {langDE: "Anliegen", langEN: "Services"},
	"nav_inbox":       {langDE: "Eingang", langEN: "Inbox"},
	"nav_new":         {langDE: "Neuer Vorgang", langEN: "New ticket"},
	"nav_dashboard":   {langDE: "Übersicht", langEN: "Dashboard"},
	"nav_admin":       {langDE: "Definitionen", langEN: "Definitions"},
	"nav_users":       {langDE: "Benutzer", langEN: "Users"},
	"nav_login":       {langDE: "Anmelden", langEN: "Sign in"},
	"area_portal":     {langDE: "Bürgerservice", langEN: "Citizen services"},
	"area_app":        {langDE: "Arbeitsplatz", langEN: "Workspace"},
	"area_admin":      {langDE: "Verwaltung", langEN: "Administration"},
	"signed_in_as":    {langDE: "Angemeldet als", langEN: "Signed in as"},
	"logout":          {langDE: "Abmelden", langEN: "Sign out"},
	"footer":          {langDE: "vorgang – Servicedesk der Verwaltung", langEN: "vorgang – public administration service desk"},
	"error_prefix":    {langDE: "Fehler:", langEN: "Error:"},
	"required_marker": {langDE: "(Pflichtfeld)", langEN: "(required)"},
	"nobody":          {langDE: "niemand", langEN: "nobody"},
	"citizen":         {langDE: "Bürgerin / Bürger", langEN: "Citizen"},
	"internal":        {langDE: "intern", langEN: "internal"},
	"no_due":          {langDE: "keine Frist", langEN: "no deadline"},
	"form_check":      {langDE: "Bitte prüfen Sie Ihre Angaben", langEN: "Please check your entries"},
	"form_sections":   {langDE: "Abschnitte dieses Formulars", langEN: "Sections of this form"},
	"honeypot_label":  {langDE: "Dieses Feld bitte leer lassen", langEN: "Please leave this field empty"},

	"error_title":         {langDE: "Das hat nicht geklappt", langEN: "That did not work"},
	"error_status":        {langDE: "Status %d (%s)", langEN: "Status %d (%s)"},
	"error_request":       {langDE: "Anfrage-Kennung %s", langEN: "Request id %s"},
	"error_back":          {langDE: "Zurück zur Startseite", langEN: "Back to the start page"},
	"body_too_large_help": {langDE: "Es wurde nichts gespeichert. Angenommen werden Dateien bis %s, höchstens %d Dateien und zusammen höchstens %s. Bitte öffnen Sie das Formular neu und wählen Sie kleinere Dateien.", langEN: "Nothing was saved. Files of up to %s each are accepted, at most %d files and %s together. Please open the form again and choose smaller files."},
	"form_expired_help":   {langDE: "Aus Sicherheitsgründen gilt ein Formular nur eine begrenzte Zeit und nur in dem Browser, in dem es geöffnet wurde. Bitte öffnen Sie das Formular neu und senden Sie es noch einmal ab.", langEN: "For your security a form is valid for a limited time and only in the browser it was opened in. Please open the form again and submit it once more."},

	"portal_heading":         {langDE: "Was möchten Sie erledigen?", langEN: "What would you like to do?"},
	"portal_intro":           {langDE: "Wählen Sie Ihr Anliegen. Sie brauchen kein Konto; nach dem Absenden erhalten Sie eine Vorgangsnummer und einen persönlichen Link, unter dem Sie den Stand jederzeit sehen.", langEN: "Choose your request. You need no account; after sending it you get a reference number and a personal link where you can follow it at any time."},
	"portal_none":            {langDE: "Zurzeit können keine Anliegen online gestellt werden.", langEN: "No requests can be made online at the moment."},
	"portal_submit":          {langDE: "Anliegen absenden", langEN: "Send request"},
	"compute_bad_json":       {langDE: "Die Anfrage ist kein gültiges JSON der erwarteten Form:", langEN: "The request is not valid JSON of the expected shape:"},
	"compute_json_at":        {langDE: "Syntaxfehler bei Byte %d.", langEN: "syntax error at byte %d."},
	"compute_json_type":      {langDE: "„%s“ hat den falschen Typ.", langEN: "\"%s\" has the wrong type."},
	"compute_json_short":     {langDE: "Das JSON endet, bevor es vollständig ist.", langEN: "the JSON ends before it is complete."},
	"compute_json_empty":     {langDE: "Der Inhalt ist leer.", langEN: "the body is empty."},
	"compute_json_trailing":  {langDE: "Nach dem Objekt folgt noch etwas.", langEN: "something follows the object."},
	"compute_json_no_values": {langDE: "„values“ fehlt.", langEN: "\"values\" is missing."},
	"compute_json_value":     {langDE: "Der Wert von „%s“ ist weder ein Text noch eine Liste von Texten.", langEN: "the value of \"%s\" is neither a text nor a list of texts."},
	"portal_privacy":         {langDE: "Ihre Angaben werden nur zur Bearbeitung Ihres Anliegens verwendet.", langEN: "Your details are used only to handle your request."},
	"portal_track_heading":   {langDE: "Stand eines Anliegens", langEN: "Status of a request"},
	"portal_track_help":      {langDE: "Den Stand Ihres Anliegens sehen Sie über den persönlichen Link, den Sie nach dem Absenden erhalten haben.", langEN: "You can see the status of your request with the personal link you got after sending it."},
	"back_to_services":       {langDE: "Zurück zur Übersicht der Anliegen", langEN: "Back to all services"},

	"confirm_heading":      {langDE: "Vielen Dank, Ihr Anliegen ist eingegangen", langEN: "Thank you, your request has been received"},
	"confirm_number":       {langDE: "Ihre Vorgangsnummer:", langEN: "Your reference number:"},
	"confirm_link_heading": {langDE: "Ihr persönlicher Link", langEN: "Your personal link"},
	"confirm_link_help":    {langDE: "Unter diesem Link sehen Sie den Stand und können antworten. Bitte speichern Sie ihn; wer den Link kennt, sieht Ihr Anliegen.", langEN: "With this link you can follow your request and reply. Please keep it; anyone who has the link can see your request."},
	"confirm_to_status":    {langDE: "Zum Stand Ihres Anliegens", langEN: "Go to the status of your request"},

	"track_title":             {langDE: "Stand Ihres Anliegens", langEN: "Status of your request"},
	"track_heading":           {langDE: "Ihr Anliegen %s", langEN: "Your request %s"},
	"track_service":           {langDE: "Anliegen", langEN: "Service"},
	"track_state":             {langDE: "Stand", langEN: "Status"},
	"track_received":          {langDE: "Eingegangen am", langEN: "Received"},
	"track_your_data":         {langDE: "Ihre Angaben", langEN: "Your details"},
	"track_timeline":          {langDE: "Verlauf", langEN: "History"},
	"track_you":               {langDE: "Sie", langEN: "You"},
	"track_office":            {langDE: "Verwaltung", langEN: "Administration"},
	"track_created":           {langDE: "Ihr Anliegen ist eingegangen.", langEN: "Your request was received."},
	"track_state_changed":     {langDE: "Neuer Stand:", langEN: "New status:"},
	"reply_heading":           {langDE: "Antworten oder Datei nachreichen", langEN: "Reply or add a file"},
	"reply_text":              {langDE: "Ihre Nachricht", langEN: "Your message"},
	"reply_file":              {langDE: "Datei (optional)", langEN: "File (optional)"},
	"reply_file_help":         {langDE: "Erlaubt: PNG, JPEG, PDF · höchstens %s · eine Datei", langEN: "Allowed: PNG, JPEG, PDF · at most %s · one file"},
	"reply_submit":            {langDE: "Nachricht senden", langEN: "Send message"},
	"reply_file_type":         {langDE: "Diese Datei ist kein PNG, JPEG oder PDF.", langEN: "This file is not a PNG, JPEG or PDF."},
	"reply_file_large":        {langDE: "Die Datei ist größer als %s und wurde nicht gespeichert; Ihr Text ist erhalten.", langEN: "The file is larger than %s and was not saved; your text is kept."},
	"notice_sent":             {langDE: "Ihre Nachricht wurde gesendet.", langEN: "Your message has been sent."},
	"notice_follow_up":        {langDE: "Vielen Dank! Ihre Angaben sind eingegangen.", langEN: "Thank you! Your answers have been received."},
	"notice_follow_up_before": {langDE: "Ihre Angaben zu diesem Anliegen waren schon eingegangen; es zählen die ersten.", langEN: "Your answers for this request had been received already; the first ones count."},
	"back_to_request":         {langDE: "Zurück zu Ihrem Anliegen", langEN: "Back to your request"},
	"follow_ups_heading":      {langDE: "Ihre Meinung", langEN: "Your opinion"},
	"follow_up_done":          {langDE: "eingegangen – vielen Dank", langEN: "received – thank you"},
	"reply_conflict":          {langDE: "Ihr Anliegen wurde inzwischen bearbeitet, oder Ihre Nachricht ist schon angekommen. Bitte prüfen Sie den Verlauf und senden Sie die Nachricht bei Bedarf noch einmal.", langEN: "Your request was updated meanwhile, or your message has already arrived. Please check the history and send the message again if needed."},

	"upload_too_large": {langDE: "„%s“: Die Datei %s ist größer als %s.", langEN: "“%s”: the file %s is larger than %s."},
	"upload_type":      {langDE: "„%s“: Die Datei %s hat einen nicht erlaubten Typ. Erlaubt: %s.", langEN: "“%s”: the file %s is of a type that is not allowed. Allowed: %s."},
	"upload_unknown":   {langDE: "„%s“: Eine Datei ist nicht mehr vorhanden. Bitte wählen Sie sie neu aus.", langEN: "“%s”: a file is no longer available. Please choose it again."},
	"upload_failed":    {langDE: "„%s“: Die Datei %s konnte gerade nicht gespeichert werden. Bitte versuchen Sie es noch einmal.", langEN: "“%s”: the file %s could not be stored just now. Please try again."},

	"login_heading":      {langDE: "Anmelden", langEN: "Sign in"},
	"login_name":         {langDE: "Benutzername", langEN: "User name"},
	"login_password":     {langDE: "Passwort", langEN: "Password"},
	"login_submit":       {langDE: "Anmelden", langEN: "Sign in"},
	"login_failed_title": {langDE: "Anmeldung fehlgeschlagen", langEN: "Sign-in failed"},
	"login_failed":       {langDE: "Benutzername oder Passwort sind nicht richtig.", langEN: "The user name or password is not correct."},
	"login_throttled":    {langDE: "Zu viele Fehlversuche. Bitte warten Sie %d Sekunden, bevor Sie es noch einmal versuchen.", langEN: "Too many failed attempts. Please wait %d seconds before you try again."},

	"inbox_heading":                    {langDE: "Eingang", langEN: "Inbox"},
	"inbox_views":                      {langDE: "Listen", langEN: "Lists"},
	"inbox_filter":                     {langDE: "Liste filtern", langEN: "Filter the list"},
	"inbox_caption_team":               {langDE: "Offene Vorgänge des Teams", langEN: "Open tickets of the team"},
	"inbox_mine":                       {langDE: "Mir zugewiesen", langEN: "Assigned to me"},
	"inbox_requested":                  {langDE: "Von mir gemeldet", langEN: "Requested by me"},
	"inbox_empty":                      {langDE: "keine offenen Vorgänge.", langEN: "no open tickets."},
	"inbox_next":                       {langDE: "Weitere Vorgänge", langEN: "More tickets"},
	"filter_text":                      {langDE: "Suche (Nummer oder Titel)", langEN: "Search (number or title)"},
	"filter_process":                   {langDE: "Art", langEN: "Type"},
	"filter_state":                     {langDE: "Status", langEN: "Status"},
	"filter_priority":                  {langDE: "Priorität", langEN: "Priority"},
	"filter_any":                       {langDE: "alle", langEN: "any"},
	"filter_apply":                     {langDE: "Filtern", langEN: "Filter"},
	"col_number":                       {langDE: "Nummer", langEN: "Number"},
	"col_title":                        {langDE: "Titel", langEN: "Title"},
	"col_process":                      {langDE: "Art", langEN: "Type"},
	"col_state":                        {langDE: "Status", langEN: "Status"},
	"col_priority":                     {langDE: "Priorität", langEN: "Priority"},
	"col_team":                         {langDE: "Team", langEN: "Team"},
	"col_assignee":                     {langDE: "Bearbeitung", langEN: "Assignee"},
	"col_requester":                    {langDE: "Gemeldet von", langEN: "Requester"},
	"col_due":                          {langDE: "Frist", langEN: "Due"},
	"col_created":                      {langDE: "Erstellt", langEN: "Created"},
	"col_definitions":                  {langDE: "Angelegt mit Definitionen", langEN: "Started on definitions"},
	"prio_critical":                    {langDE: "kritisch", langEN: "critical"},
	"prio_high":                        {langDE: "hoch", langEN: "high"},
	"prio_medium":                      {langDE: "mittel", langEN: "medium"},
	"prio_low":                         {langDE: "niedrig", langEN: "low"},
	"new_heading":                      {langDE: "Neuen Vorgang anlegen", langEN: "Open a new ticket"},
	"new_none":                         {langDE: "Sie können keine Vorgänge anlegen.", langEN: "You cannot open tickets."},
	"new_submit":                       {langDE: "Vorgang anlegen", langEN: "Open ticket"},
	"back_to_new":                      {langDE: "Zurück zur Auswahl", langEN: "Back to the list"},
	"back_to_inbox":                    {langDE: "Zurück zum Eingang", langEN: "Back to the inbox"},
	"back_to_ticket":                   {langDE: "Zurück zu %s", langEN: "Back to %s"},
	"ticket_actions":                   {langDE: "Nächste Schritte", langEN: "Next steps"},
	"ticket_data":                      {langDE: "Angaben", langEN: "Details"},
	"ticket_no_data":                   {langDE: "Keine Angaben.", langEN: "No details."},
	"ticket_timeline":                  {langDE: "Verlauf", langEN: "History"},
	"pending_approval":                 {langDE: "„%s“ wartet auf die Genehmigung durch %s.", langEN: "“%s” is waiting for the approval of %s."},
	"why_not":                          {langDE: "Warum nicht? Schritte, die Sie jetzt nicht ausführen können (%d)", langEN: "Why not? Steps you cannot take now (%d)"},
	"no_actions":                       {langDE: "Sie können jetzt keinen Schritt ausführen.", langEN: "There is no step you can take now."},
	"refusal_any_open_state":           {langDE: "jedem offenen Status", langEN: "any open status"},
	"decision_step":                    {langDE: "Über die Genehmigung entscheiden", langEN: "Decide on the approval"},
	"decision_override":                {langDE: "Sie sind nicht als Genehmigende vorgesehen. Als Administration dürfen Sie in diesem Ablauf im Notfall an ihrer Stelle entscheiden; die Begründung ist dann Pflicht, und der Verlauf vermerkt die Übersteuerung.", langEN: "You are not one of the approvers. As an administrator you may decide in their place in an emergency in this process; a reason is then required, and the history records the override."},
	"decision_override_reason":         {langDE: "Begründung der Übersteuerung (Pflichtfeld)", langEN: "Reason for the override (required)"},
	"entry_override":                   {langDE: "Übersteuerung durch die Administration", langEN: "Override by an administrator"},
	"entry_approval_withdrawn":         {langDE: "Die ausstehende Genehmigung wurde damit zurückgezogen.", langEN: "This withdrew the pending approval."},
	"transition_comment_internal":      {langDE: "Kommentar nur intern (die meldende Person sieht den Schritt, nicht den Kommentar)", langEN: "Comment for staff only (the requester sees the step, not the comment)"},
	"comment_heading":                  {langDE: "Kommentar", langEN: "Comment"},
	"comment_text":                     {langDE: "Kommentar", langEN: "Comment"},
	"comment_internal":                 {langDE: "Interner Vermerk (für Bürgerinnen, Bürger und Meldende nicht sichtbar)", langEN: "Internal note (not visible to citizens and requesters)"},
	"comment_submit":                   {langDE: "Kommentar speichern", langEN: "Save comment"},
	"comment_conflict":                 {langDE: "Der Vorgang wurde inzwischen geändert. Ihr Kommentar ist noch nicht gespeichert; bitte prüfen und erneut speichern.", langEN: "The ticket was changed meanwhile. Your comment is not saved yet; please check and save it again."},
	"assign_heading":                   {langDE: "Zuweisung", langEN: "Assignment"},
	"assign_me":                        {langDE: "Mir zuweisen", langEN: "Assign to me"},
	"assign_user":                      {langDE: "Benutzername", langEN: "User name"},
	"assign_help":                      {langDE: "Benutzername von jemandem, der Vorgänge des Teams bearbeiten darf; leer lassen, um die Zuweisung aufzuheben.", langEN: "User name of someone who may work on the team's tickets; leave empty to unassign."},
	"assign_submit":                    {langDE: "Zuweisen", langEN: "Assign"},
	"transition_from_to":               {langDE: "Status:", langEN: "Status:"},
	"transition_comment":               {langDE: "Kommentar", langEN: "Comment"},
	"entry_created":                    {langDE: "Angelegt im Status", langEN: "Created in status"},
	"entry_transition":                 {langDE: "Status geändert:", langEN: "Status changed:"},
	"entry_assigned":                   {langDE: "Zugewiesen an", langEN: "Assigned to"},
	"entry_migrated":                   {langDE: "An geänderte Definitionen angepasst (Migration), Status:", langEN: "Moved to changed definitions (migration), status:"},
	"entry_comment":                    {langDE: "Kommentar (öffentlich)", langEN: "Comment (public)"},
	"entry_internal_comment":           {langDE: "Interner Vermerk", langEN: "Internal note"},
	"entry_citizen_reply":              {langDE: "Antwort der meldenden Person", langEN: "Reply of the requester"},
	"entry_approval_requested":         {langDE: "Genehmigung angefordert", langEN: "Approval requested"},
	"entry_approved":                   {langDE: "Genehmigt", langEN: "Approved"},
	"entry_rejected":                   {langDE: "Abgelehnt", langEN: "Rejected"},
	"notice_created":                   {langDE: "Der Vorgang wurde angelegt.", langEN: "The ticket was created."},
	"notice_done":                      {langDE: "Der Schritt wurde ausgeführt.", langEN: "The step was done."},
	"notice_commented":                 {langDE: "Der Kommentar wurde gespeichert.", langEN: "The comment was saved."},
	"notice_assigned":                  {langDE: "Die Zuweisung wurde geändert.", langEN: "The assignment was changed."},
	"notice_approved":                  {langDE: "Ihre Genehmigung wurde vermerkt.", langEN: "Your approval was recorded."},
	"notice_rejected":                  {langDE: "Die Ablehnung wurde vermerkt.", langEN: "The rejection was recorded."},
	"decision_heading":                 {langDE: "Ihre Entscheidung", langEN: "Your decision"},
	"decision_reason":                  {langDE: "Begründung (für eine Ablehnung erforderlich)", langEN: "Reason (required for a rejection)"},
	"decision_approve":                 {langDE: "Genehmigen", langEN: "Approve"},
	"decision_reject":                  {langDE: "Ablehnen", langEN: "Reject"},
	"notice_changed":                   {langDE: "Der Vorgang wurde inzwischen geändert; bitte prüfen Sie den aktuellen Stand.", langEN: "The ticket was changed meanwhile; please check its current state."},
	"transition_comment_for_requester": {langDE: "Dieser Kommentar ist die Nachricht an die antragstellende Person: Sie wird über diesen Schritt benachrichtigt und liest ihn in ihrer Ansicht. Notizen für das Team schreiben Sie als internen Kommentar auf der Vorgangsseite.", langEN: "This comment is the message to the requester: they are told of this step and read it in their view. Write notes for the team as an internal comment on the ticket page."},
	"transition_internal_told":         {langDE: "Die antragstellende Person wird über diesen Schritt benachrichtigt; einen internen Kommentar sieht sie nicht.", langEN: "The requester is told of this step; they do not see an internal comment."},

	"dash_heading":     {langDE: "Übersicht", langEN: "Dashboard"},
	"dash_total":       {langDE: "Offene Vorgänge, die Sie sehen dürfen: %d", langEN: "Open tickets you may see: %d"},
	"dash_by_team":     {langDE: "Offene Vorgänge je Team", langEN: "Open tickets per team"},
	"dash_by_state":    {langDE: "Offene Vorgänge je Status", langEN: "Open tickets per status"},
	"dash_by_priority": {langDE: "Offene Vorgänge je Priorität", langEN: "Open tickets per priority"},
	"dash_as_table":    {langDE: "Als Tabelle anzeigen", langEN: "Show as a table"},
	"dash_group":       {langDE: "Gruppe", langEN: "Group"},
	"dash_open":        {langDE: "Offen", langEN: "Open"},

	"admin_heading":              {langDE: "Geladene Definitionen", langEN: "Loaded definitions"},
	"admin_versions_link":        {langDE: "Alle Versionen der Definitionen und ihre Änderungen", langEN: "Every version of the definitions and what changed"},
	"versions_heading":           {langDE: "Versionen der Definitionen", langEN: "Versions of the definitions"},
	"versions_caption":           {langDE: "Jede Version, die vorgang bedient hat, die neueste zuerst", langEN: "Every version vorgang has served, newest first"},
	"versions_serving":           {langDE: "in Betrieb", langEN: "in service"},
	"versions_compare":           {langDE: "Änderungen gegenüber der vorigen Version", langEN: "Changes against the version before"},
	"versions_first":             {langDE: "erste Version", langEN: "first version"},
	"version_diff_heading":       {langDE: "Änderungen zwischen zwei Versionen", langEN: "Changes between two versions"},
	"version_diff_from":          {langDE: "Von Version", langEN: "From version"},
	"version_diff_to":            {langDE: "Zu Version", langEN: "To version"},
	"version_diff_none":          {langDE: "Die beiden Versionen sagen dasselbe.", langEN: "The two versions say the same."},
	"version_diff_part":          {langDE: "Teil", langEN: "Part"},
	"version_diff_change":        {langDE: "Änderung", langEN: "Change"},
	"version_diff_where":         {langDE: "Stelle", langEN: "Where"},
	"change_added":               {langDE: "hinzugefügt", langEN: "added"},
	"change_removed":             {langDE: "entfernt", langEN: "removed"},
	"change_changed":             {langDE: "geändert", langEN: "changed"},
	"admin_catalog_hash":         {langDE: "Inhaltsprüfsumme (SHA-256)", langEN: "Content hash (SHA-256)"},
	"admin_loaded_at":            {langDE: "Geladen am", langEN: "Loaded"},
	"admin_not_recorded":         {langDE: "Diese Definitionen sind nicht in der Datenbank verzeichnet; Prüfsummen je Datei fehlen.", langEN: "These definitions are not recorded in the database; hashes per file are missing."},
	"admin_definitions":          {langDE: "Definitionen mit der Prüfsumme ihrer Datei", langEN: "Definitions with the hash of their file"},
	"admin_kind":                 {langDE: "Art", langEN: "Kind"},
	"admin_id":                   {langDE: "Kennung", langEN: "Id"},
	"admin_file":                 {langDE: "Datei", langEN: "File"},
	"admin_file_hash":            {langDE: "SHA-256 der Datei", langEN: "SHA-256 of the file"},
	"admin_transitions":          {langDE: "Übergänge", langEN: "Transitions"},
	"admin_from":                 {langDE: "Von", langEN: "From"},
	"admin_to":                   {langDE: "Nach", langEN: "To"},
	"admin_roles":                {langDE: "Rollen", langEN: "Roles"},
	"admin_form":                 {langDE: "Formular", langEN: "Form"},
	"admin_team_members":         {langDE: "Teammitglieder", langEN: "team members"},
	"back_to_admin":              {langDE: "Zurück zu den Definitionen", langEN: "Back to the definitions"},
	"diagram_title":              {langDE: "Zustände und Übergänge von „%s“", langEN: "States and transitions of “%s”"},
	"diagram_legend":             {langDE: "Pfeile zeigen Übergänge; gestrichelte Bögen führen zurück. Die Tabelle unten nennt jeden Übergang.", langEN: "Arrows show transitions; dashed arcs lead back. The table below lists every transition."},
	"diagram_start":              {langDE: "Start", langEN: "start"},
	"category_open":              {langDE: "offen", langEN: "open"},
	"category_resolved":          {langDE: "gelöst", langEN: "resolved"},
	"category_closed":            {langDE: "abgeschlossen", langEN: "closed"},
	"category_cancelled":         {langDE: "storniert", langEN: "cancelled"},
	"users_heading":              {langDE: "Benutzer, Teams und Rollen", langEN: "Users, teams and roles"},
	"users_users":                {langDE: "Benutzer", langEN: "Users"},
	"users_name":                 {langDE: "Benutzername", langEN: "User name"},
	"users_display":              {langDE: "Anzeigename", langEN: "Display name"},
	"users_teams":                {langDE: "Teams", langEN: "Teams"},
	"users_status":               {langDE: "Status", langEN: "Status"},
	"users_active":               {langDE: "aktiv", langEN: "active"},
	"users_disabled":             {langDE: "gesperrt", langEN: "disabled"},
	"users_parent":               {langDE: "Eskalation an", langEN: "Escalates to"},
	"users_roles":                {langDE: "Rollen", langEN: "Roles"},
	"users_permissions":          {langDE: "Berechtigungen", langEN: "Permissions"},
	"nav_account":                {langDE: "Mein Konto", langEN: "My account"},
	"user_new_heading":           {langDE: "Neuen Benutzer anlegen", langEN: "Create a user"},
	"user_new_help":              {langDE: "Legt ein lokales Konto an. Ohne Passwort erzeugen Sie danach auf der Seite des Benutzers einen Link, mit dem die Person ihr Passwort selbst setzt.", langEN: "Creates a local account. Without a password, make a link on the user's page afterwards with which the person sets their own password."},
	"user_source":                {langDE: "Herkunft", langEN: "Source"},
	"user_source_directory":      {langDE: "Verzeichnis (LDAP/AD)", langEN: "Directory (LDAP/AD)"},
	"user_source_external":       {langDE: "externer Anmeldedienst", langEN: "external sign-on"},
	"user_source_local":          {langDE: "lokal", langEN: "local"},
	"user_initial_password":      {langDE: "Passwort (optional)", langEN: "Password (optional)"},
	"user_create":                {langDE: "Benutzer anlegen", langEN: "Create user"},
	"user_email":                 {langDE: "E-Mail-Adresse", langEN: "E-mail address"},
	"user_manager":               {langDE: "Führungskraft (Benutzername)", langEN: "Manager (user name)"},
	"user_lang":                  {langDE: "Sprache der E-Mails", langEN: "Language of e-mails"},
	"user_none_defined":          {langDE: "Keine definiert.", langEN: "None defined."},
	"user_back":                  {langDE: "Zurück zu den Benutzern", langEN: "Back to the users"},
	"user_heading":               {langDE: "Benutzer", langEN: "User"},
	"user_created":               {langDE: "Angelegt am", langEN: "Created"},
	"user_profile":               {langDE: "Profil, Rollen und Teams", langEN: "Profile, roles and teams"},
	"user_directory_help":        {langDE: "Diese Angaben kommen aus dem Verzeichnis (LDAP/Active Directory) oder dem Anmeldedienst und werden bei jeder Anmeldung neu gesetzt; ändern Sie sie dort.", langEN: "These details come from the directory (LDAP/Active Directory) or the sign-on provider and are set again at every login; change them there."},
	"user_save":                  {langDE: "Änderungen speichern", langEN: "Save changes"},
	"user_access":                {langDE: "Zugang", langEN: "Access"},
	"user_enable":                {langDE: "Entsperren", langEN: "Enable"},
	"user_disable":               {langDE: "Sperren", langEN: "Disable"},
	"user_reset":                 {langDE: "Link zum Setzen des Passworts erzeugen", langEN: "Make a link for setting the password"},
	"user_revoke_sessions":       {langDE: "Überall abmelden", langEN: "Sign out everywhere"},
	"user_access_help":           {langDE: "Sperren beendet alle Sitzungen sofort und API-Tokens gelten nicht mehr, bis Sie wieder entsperren. Das bisherige Passwort gilt, bis der Link benutzt wird.", langEN: "Disabling ends every session at once, and API tokens stop working until you enable the user again. The current password works until the link is used."},
	"user_access_directory_help": {langDE: "Das Passwort prüft das Verzeichnis oder der Anmeldedienst. Sperren beendet alle Sitzungen sofort und API-Tokens gelten nicht mehr, bis Sie wieder entsperren.", langEN: "The directory or the sign-on provider checks the password. Disabling ends every session at once, and API tokens stop working until you enable the user again."},
	"user_conflict":              {langDE: "Der Benutzer wurde inzwischen geändert; angezeigt ist der aktuelle Stand. Bitte prüfen Sie Ihre Änderung und speichern Sie noch einmal.", langEN: "The user was changed meanwhile; the current state is shown. Please check your change and save again."},
	"reset_link_heading":         {langDE: "Link zum Setzen des Passworts", langEN: "Link for setting the password"},
	"reset_link_help":            {langDE: "Geben Sie diesen Link der Person auf sicherem Weg weiter. Er wird nur jetzt angezeigt, gilt bis %s und nur einmal; ein neuer Link ersetzt ihn.", langEN: "Pass this link to the person by a safe way. It is shown only now, works until %s and only once; a new link replaces it."},
	"reset_link_label":           {langDE: "Link", langEN: "Link"},
	"tokens_heading":             {langDE: "API-Tokens", langEN: "API tokens"},
	"tokens_none":                {langDE: "Keine API-Tokens.", langEN: "No API tokens."},
	"token_name":                 {langDE: "Name", langEN: "Name"},
	"token_last_used":            {langDE: "Zuletzt benutzt", langEN: "Last used"},
	"token_expires":              {langDE: "Gültig bis", langEN: "Expires"},
	"token_never":                {langDE: "unbegrenzt", langEN: "never"},
	"token_actions":              {langDE: "Aktionen", langEN: "Actions"},
	"token_revoke":               {langDE: "Widerrufen", langEN: "Revoke"},
	"token_revoke_named":         {langDE: "Token „%s“ widerrufen", langEN: "Revoke token “%s”"},
	"audit_heading":              {langDE: "Protokoll der Benutzerverwaltung", langEN: "User administration log"},
	"audit_help":                 {langDE: "Jede Änderung an Benutzern: wer, was, wann, an wem. Neueste zuerst.", langEN: "Every change to users: who, what, when, to whom. Newest first."},
	"audit_caption":              {langDE: "Änderungen", langEN: "Changes"},
	"audit_when":                 {langDE: "Wann", langEN: "When"},
	"audit_who":                  {langDE: "Wer", langEN: "Who"},
	"audit_what":                 {langDE: "Was", langEN: "What"},
	"audit_user":                 {langDE: "Benutzer", langEN: "User"},
	"audit_changes":              {langDE: "Änderungen", langEN: "Changes"},
	"audit_none":                 {langDE: "Noch keine Einträge.", langEN: "No entries yet."},
	"audit_pages":                {langDE: "Seiten des Protokolls", langEN: "Pages of the log"},
	"audit_newest":               {langDE: "Neueste Einträge", langEN: "Newest entries"},
	"audit_older":                {langDE: "Ältere Einträge", langEN: "Older entries"},
	"audit_user_created":         {langDE: "angelegt", langEN: "created"},
	"audit_user_updated":         {langDE: "geändert", langEN: "changed"},
	"audit_user_disabled":        {langDE: "gesperrt", langEN: "disabled"},
	"audit_user_enabled":         {langDE: "entsperrt", langEN: "enabled"},
	"audit_reset_link":           {langDE: "Link zum Setzen des Passworts erzeugt", langEN: "password link made"},
	"audit_password_by_link":     {langDE: "Passwort über Link gesetzt", langEN: "password set with a link"},
	"audit_sessions_revoked":     {langDE: "überall abgemeldet", langEN: "signed out everywhere"},
	"audit_token_revoked":        {langDE: "API-Token widerrufen", langEN: "API token revoked"},
	"audit_own_password":         {langDE: "eigenes Passwort geändert", langEN: "own password changed"},
	"audit_own_token_revoked":    {langDE: "eigenes API-Token widerrufen", langEN: "own API token revoked"},
	"account_heading":            {langDE: "Mein Konto", langEN: "My account"},
	"account_password":           {langDE: "Passwort ändern", langEN: "Change password"},
	"account_password_directory": {langDE: "Ihr Passwort ist das Ihres Verzeichniskontos (LDAP/Active Directory) oder Ihres Anmeldedienstes; Sie ändern es dort.", langEN: "Your password is the one of your directory account (LDAP/Active Directory) or your sign-on provider; change it there."},
	"account_current":            {langDE: "Aktuelles Passwort", langEN: "Current password"},
	"account_new":                {langDE: "Neues Passwort", langEN: "New password"},
	"account_password_help":      {langDE: "Danach sind Sie überall sonst abgemeldet; Ihre API-Tokens gelten weiter.", langEN: "Afterwards you are signed out everywhere else; your API tokens keep working."},
	"account_password_submit":    {langDE: "Passwort ändern", langEN: "Change password"},
	"password_heading":           {langDE: "Passwort setzen", langEN: "Set your password"},
	"password_intro":             {langDE: "Wählen Sie ein Passwort für das Konto %s. Der Link gilt nur einmal.", langEN: "Choose a password for the account %s. The link works only once."},
	"password_repeat":            {langDE: "Neues Passwort wiederholen", langEN: "Repeat the new password"},
	"password_submit":            {langDE: "Passwort setzen", langEN: "Set password"},
	"password_done":              {langDE: "Das Passwort für %s ist gesetzt. Sie können sich jetzt anmelden.", langEN: "The password for %s is set. You can sign in now."},
	"password_help":              {langDE: "Mindestens %d Zeichen; ein Satz aus mehreren Wörtern ist gut zu merken.", langEN: "At least %d characters; a sentence of several words is easy to remember."},
	"password_mismatch":          {langDE: "Die beiden Passwörter stimmen nicht überein.", langEN: "The two passwords do not match."},
	"notice_user_created":        {langDE: "Der Benutzer wurde angelegt.", langEN: "The user was created."},
	"notice_user_saved":          {langDE: "Die Änderungen wurden gespeichert.", langEN: "The changes were saved."},
	"notice_user_enabled":        {langDE: "Der Benutzer ist entsperrt.", langEN: "The user is enabled."},
	"notice_user_disabled":       {langDE: "Der Benutzer ist gesperrt; seine Sitzungen sind beendet.", langEN: "The user is disabled; their sessions have ended."},
	"notice_sessions_revoked":    {langDE: "Alle Sitzungen des Benutzers sind beendet.", langEN: "All of the user's sessions have ended."},
	"notice_token_revoked":       {langDE: "Das API-Token wurde widerrufen.", langEN: "The API token was revoked."},
	"notice_password_changed":    {langDE: "Ihr Passwort wurde geändert.", langEN: "Your password was changed."},
	"notice_two_factor_reset":    {langDE: "Die Zwei-Faktor-Anmeldung des Benutzers ist ausgeschaltet; er meldet sich mit dem Passwort allein an.", langEN: "The user's two-factor sign-in is off; they sign in with the password alone."},
	"audit_two_factor_reset":     {langDE: "Zwei-Faktor-Anmeldung zurückgesetzt", langEN: "two-factor sign-in reset"},
	"user_two_factor":            {langDE: "Zwei-Faktor-Anmeldung", langEN: "Two-factor sign-in"},
	"user_two_factor_on":         {langDE: "eingeschaltet", langEN: "on"},
	"user_two_factor_off":        {langDE: "aus", langEN: "off"},
	"user_two_factor_reset":      {langDE: "Zwei-Faktor-Anmeldung ausschalten", langEN: "Turn two-factor sign-in off"},
	"notice_reset_link":          {langDE: "Der Link wurde erzeugt.", langEN: "The link was made."},

	// Two-factor sign-in (login_totp.go).
	"nav_two_factor":      {langDE: "Zwei-Faktor-Anmeldung", langEN: "Two-factor sign-in"},
	"otp_heading":         {langDE: "Bestätigungscode eingeben", langEN: "Enter your verification code"},
	"otp_code":            {langDE: "Code", langEN: "Code"},
	"otp_hint":            {langDE: "Der sechsstellige Code aus Ihrer Authenticator-App, oder einer Ihrer Wiederherstellungscodes.", langEN: "The six-digit code from your authenticator app, or one of your recovery codes."},
	"otp_submit":          {langDE: "Bestätigen", langEN: "Confirm"},
	"otp_wrong":           {langDE: "Der Code ist nicht richtig oder wurde schon verwendet. Bitte geben Sie den Code ein, den die App jetzt zeigt.", langEN: "The code is not correct or was used already. Please enter the code the app shows now."},
	"otp_expired":         {langDE: "Die Anmeldung ist abgelaufen. Bitte melden Sie sich noch einmal an.", langEN: "The sign-in has expired. Please sign in again."},
	"tf_heading":          {langDE: "Zwei-Faktor-Anmeldung", langEN: "Two-factor sign-in"},
	"tf_error_title":      {langDE: "Der Code wurde nicht angenommen", langEN: "The code was not accepted"},
	"tf_due":              {langDE: "Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben. Bitte richten Sie sie ein, bevor Sie weiterarbeiten.", langEN: "Your role requires two-factor sign-in. Please set it up before you continue."},
	"tf_directory":        {langDE: "Sie melden sich über das Verzeichnis Ihrer Organisation an; die Zwei-Faktor-Anmeldung richtet dessen Verwaltung ein.", langEN: "You sign in through your organisation's directory; its administrators set up two-factor sign-in."},
	"tf_intro":            {langDE: "Mit der Zwei-Faktor-Anmeldung fragt vorgang nach dem Passwort zusätzlich einen Code ab, den eine Authenticator-App auf Ihrem Telefon alle 30 Sekunden neu erzeugt.", langEN: "With two-factor sign-in vorgang asks, after your password, for a code that an authenticator app on your phone makes anew every 30 seconds."},
	"tf_step_scan":        {langDE: "1. Schlüssel in die App übernehmen", langEN: "1. Add the key to your app"},
	"tf_qr_alt":           {langDE: "QR-Code des Schlüssels für die Authenticator-App; der Schlüssel steht darunter auch als Text.", langEN: "QR code of the key for the authenticator app; the key is also given as text below."},
	"tf_secret":           {langDE: "Scannen Sie den QR-Code mit der App, oder geben Sie diesen Schlüssel von Hand ein:", langEN: "Scan the QR code with the app, or type in this key:"},
	"tf_step_confirm":     {langDE: "2. Mit einem Code bestätigen", langEN: "2. Confirm with a code"},
	"tf_confirm_hint":     {langDE: "Der sechsstellige Code, den die App jetzt zeigt.", langEN: "The six-digit code the app shows now."},
	"tf_confirm_submit":   {langDE: "Einschalten", langEN: "Turn on"},
	"tf_turned_on":        {langDE: "Die Zwei-Faktor-Anmeldung ist eingeschaltet.", langEN: "Two-factor sign-in is on."},
	"tf_turned_off":       {langDE: "Die Zwei-Faktor-Anmeldung ist ausgeschaltet.", langEN: "Two-factor sign-in is off."},
	"tf_recovery_heading": {langDE: "Ihre Wiederherstellungscodes", langEN: "Your recovery codes"},
	"tf_recovery_intro":   {langDE: "Jeder Code gilt einmal, wenn Sie die App nicht zur Hand haben. Bewahren Sie die Codes sicher auf: Sie werden nur jetzt angezeigt.", langEN: "Each code works once, for when you do not have the app at hand. Keep them safe: they are shown only now."},
	"tf_continue":         {langDE: "Weiter zum Eingang", langEN: "Continue to the inbox"},
	"tf_on_since":         {langDE: "Die Zwei-Faktor-Anmeldung ist eingeschaltet seit", langEN: "Two-factor sign-in has been on since"},
	"tf_recovery_left":    {langDE: "Unbenutzte Wiederherstellungscodes: %d.", langEN: "Unused recovery codes: %d."},
	"tf_required":         {langDE: "Für Ihre Rolle ist sie vorgeschrieben und kann nicht ausgeschaltet werden; nach Verlust des Telefons setzt die Administration sie zurück.", langEN: "Your role requires it, so it cannot be turned off; if you lose your phone, an administrator resets it."},
	"tf_off_heading":      {langDE: "Ausschalten", langEN: "Turn off"},
	"tf_off_submit":       {langDE: "Ausschalten", langEN: "Turn off"},
}
