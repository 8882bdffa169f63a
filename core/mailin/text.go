package mailin

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// skipped are the HTML elements whose content is no text to read: a
// script's code must never become part of a ticket.
var skipped = words("script style head title noscript template iframe object svg")

// blocks are the elements that start a line of their own.
var blocks = words("p div br tr li h1 h2 h3 h4 h5 h6 blockquote pre table ul ol hr section article")

func words(list string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		m[w] = true
	}
	return m
}

// HTMLText reduces an HTML body to its plain text: the text nodes
// outside scripts, styles and the head, with a line break for each block
// and entities decoded. Quoted parts of replies (blockquote) are marked
// with "> " so that the quote rules cut them.
func HTMLText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip, quote := 0, 0
	newline := func() {
		b.WriteString("\n")
		if quote > 0 {
			b.WriteString(strings.Repeat("> ", quote))
		}
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return collapseBlank(b.String())
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if skipped[tag] {
				if t := z.Token(); t.Type == html.StartTagToken {
					skip++
				}
				continue
			}
			if tag == "blockquote" {
				quote++
			}
			if blocks[tag] {
				newline()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if skipped[tag] {
				if skip > 0 {
					skip--
				}
				continue
			}
			if tag == "blockquote" && quote > 0 {
				quote--
			}
			if blocks[tag] {
				newline()
			}
		case html.TextToken:
			if skip > 0 {
				continue
			}
			text := spaces.ReplaceAllString(strings.ReplaceAll(string(z.Text()), "\u00a0", " "), " ")
			b.WriteString(text)
		}
	}
}

var (
	spaces     = regexp.MustCompile(`[ \t\r\n\f]+`)
	blankLines = regexp.MustCompile(`\n[ \t]*(\n[ \t]*)+\n`)
)

func collapseBlank(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
		if strings.Trim(lines[i], "> ") == "" {
			lines[i] = "" // the quote marks of an empty quoted line
		}
	}
	return strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}

// Quote headers of mail programs: the line that introduces the quoted
// message, in German and English.
var (
	// "Am 03.12.2026 um 10:15 schrieb Erika Muster <erika@example.org>:"
	// and "On Mon, 3 Dec 2026 at 10:15, Erika <erika@example.org> wrote:",
	// which mail programs may wrap onto a second line.
	quoteIntro = regexp.MustCompile(`(?is)^(am\s.+schrieb.*|on\s.+wrote):\s*$`)
	// Gmail's on phones: "Service-Desk <desk@example.org> schrieb am
	// Do., 3. Dez. 2026, 11:30:" and "Am Do., 3. Dez. 2026 um 11:30 hat
	// Service-Desk <desk@example.org> geschrieben:".
	quoteIntroMobile = regexp.MustCompile(`(?i)^(.+\sschrieb am\s.+|am\s.+\shat\s.+\sgeschrieben):\s*$`)
	// Outlook's separators and header blocks.
	outlookIntro = regexp.MustCompile(`(?i)^(-{2,}\s*(original message|ursprüngliche nachricht|weitergeleitete nachricht|forwarded message)\s*-{2,}|_{10,})\s*$`)
	outlookFrom  = regexp.MustCompile(`(?i)^(von|from):\s.+`)
	outlookSent  = regexp.MustCompile(`(?i)^(gesendet|sent|datum|date):\s.+`)
)

// mobileSignature is the line mail programs of phones add under the
// text ("Von meinem iPhone gesendet", "Sent from my iPhone", "Gesendet
// von Outlook für Android", "Get Outlook for iOS"): a signature without
// the "-- " line.
var mobileSignature = regexp.MustCompile(`(?i)^(von meinem \S+(\s\S+)? gesendet|gesendet von (meinem|outlook für|outlook for) .+|sent from (my|outlook for) .+|get outlook for (ios|android))\.?$`)

// signatureAt reports whether a signature starts at line.
func signatureAt(line string) bool {
	return line == "-- " || line == "--" || mobileSignature.MatchString(strings.TrimSpace(line))
}

// ReplyText is the part of a reply its writer wrote: the text before the
// quoted message ("Am … schrieb …:", "On … wrote:", Outlook's header
// block), without quoted lines ("> …") and without the signature (after a
// "-- " line, or a phone's "Sent from my iPhone").
func ReplyText(text string) string {
	lines := strings.Split(text, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t")
		trimmed := strings.TrimSpace(line)
		if signatureAt(lines[i]) || lines[i] == "-- \r" {
			break
		}
		if quoteIntro.MatchString(trimmed) || quoteIntroMobile.MatchString(trimmed) || outlookIntro.MatchString(trimmed) {
			break
		}
		if i+1 < len(lines) && quoteIntro.MatchString(trimmed+" "+strings.TrimSpace(lines[i+1])) && (strings.HasPrefix(strings.ToLower(trimmed), "am ") || strings.HasPrefix(strings.ToLower(trimmed), "on ")) {
			break
		}
		if outlookFrom.MatchString(trimmed) && i+1 < len(lines) && outlookSent.MatchString(strings.TrimSpace(lines[i+1])) {
			break
		}
		if strings.HasPrefix(trimmed, ">") {
			continue
		}
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// BodyText is the text of a new request: everything but the signature
// (after a "-- " line, or a phone's "Sent from my iPhone"). A forwarded or
// quoted message stays, as it may be the request itself.
func BodyText(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if signatureAt(l) {
			return strings.TrimSpace(strings.Join(lines[:i], "\n"))
		}
	}
	return strings.TrimSpace(text)
}
