package knowledge_test

import (
	"testing"

	"vorgang/core/knowledge"
)

// TestReplyText: the text inserted into a reply keeps the address behind
// every link and image, since a reply read as a mail has no links under
// its words.
func TestReplyText(t *testing.T) {
	const at = "https://desk.example/portal/help/KB-7"
	cases := []struct{ name, body, want string }{
		{"link", "Das [Formular](https://stadt.example/form) ausfüllen.", "Das Formular (https://stadt.example/form) ausfüllen."},
		{"link whose words are its address", "[https://stadt.example](https://stadt.example)", "https://stadt.example"},
		{"link without words", "Siehe [](https://stadt.example/x).", "Siehe https://stadt.example/x."},
		{"link with emphasis", "[**Termin** buchen](https://stadt.example/t)", "Termin buchen (https://stadt.example/t)"},
		{"mail link", "[info@stadt.example](mailto:info@stadt.example)", "mailto:info@stadt.example"},
		{"autolink", "Siehe <https://stadt.example/a>.", "Siehe https://stadt.example/a."},
		{"bare link", "Siehe https://stadt.example/b heute.", "Siehe https://stadt.example/b heute."},
		{"mail autolink", "<info@stadt.example>", "info@stadt.example"},
		{"relative link", "[Hilfe](/portal/help)", "Hilfe (https://desk.example/portal/help)"},
		{"file link", "[Formular](files/antrag.pdf)", "Formular (https://desk.example/portal/help/KB-7/files/antrag.pdf)"},
		{"script link", "[klick](javascript:alert(1))", "klick"},
		{"own image", "![Lageplan](plan.png)", "Lageplan (https://desk.example/portal/help/KB-7/files/plan.png)"},
		{"own image under files/", "![Lageplan](files/plan.png)", "Lageplan (https://desk.example/portal/help/KB-7/files/plan.png)"},
		{"image of another site", "![Logo](https://stadt.example/logo.png)", "Logo (https://stadt.example/logo.png)"},
		{"data image", "![Pixel](data:image/png;base64,AAAA)", "Pixel"},
		{"image in a link", "[![Plan](plan.png)](https://stadt.example/plan)",
			"Plan (https://desk.example/portal/help/KB-7/files/plan.png) (https://stadt.example/plan)"},
		{"list", "- eins\n- zwei [mehr](https://x.example)", "- eins\n- zwei mehr (https://x.example)"},
		{"ordered list", "3. drei\n4. vier", "3. drei\n4. vier"},
		{"nested list", "- a\n  - b\n- c", "- a\n  - b\n- c"},
		{"task list", "- [x] erledigt\n- [ ] offen", "- [x] erledigt\n- [ ] offen"},
		{"headings and paragraphs", "# Titel\n\nErster Absatz\nfortgesetzt.\n\n## Zweiter\n\nText.", "Titel\n\nErster Absatz fortgesetzt.\n\nZweiter\n\nText."},
		{"code", "Tippe `ls -l`:\n\n```\nls -l\ncd /tmp\n```", "Tippe ls -l:\n\nls -l\ncd /tmp"},
		{"quote", "> Zitat [hier](https://q.example)", "> Zitat hier (https://q.example)"},
		{"table", "| A | B |\n|---|---|\n| 1 | [x](https://t.example) |", "A | B\n1 | x (https://t.example)"},
		{"raw HTML", "vor <b>fett</b> nach\n\n<div>weg</div>", "vor fett nach"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := knowledge.Article{Content: knowledge.Content{Texts: map[string]knowledge.Text{"de": {Title: "T", Body: c.body}}}}
			if got := a.ReplyText("de", at); got != c.want {
				t.Errorf("ReplyText(%q)\n got %q\nwant %q", c.body, got, c.want)
			}
		})
	}
}
