package form

import (
	"fmt"
	"strings"
	"time"
)

// message puts a problem into words in lang ("de" or "en").
func (c *Compiled) message(p problem, lang string) string {
	de := lang != "en"
	name := c.displayName(p, lang)
	pick := func(deText, enText string) string {
		if de {
			return deText
		}
		return enText
	}
	f := p.f
	k := &Kind{} // a problem of no field: the plain words
	if f != nil {
		k = f.kind
	}
	switch p.code {
	case CodeRequired:
		ask := k.ask
		if ask == (phrase{}) {
			ask = askFill
		}
		return fmt.Sprintf(pick(ask.de, ask.en), name)
	case CodeTooShort:
		n := p.param.(int)
		return pick(fmt.Sprintf("%s muss mindestens %d %s lang sein.", name, n, plural(n, "Zeichen", "Zeichen")),
			fmt.Sprintf("%s must be at least %d %s long.", name, n, plural(n, "character", "characters")))
	case CodeTooLong:
		n := p.param.(int)
		return pick(fmt.Sprintf("%s darf höchstens %d %s lang sein.", name, n, plural(n, "Zeichen", "Zeichen")),
			fmt.Sprintf("%s must be at most %d %s long.", name, n, plural(n, "character", "characters")))
	case CodePattern:
		if f != nil && !f.def.PatternMessage.IsZero() {
			return name + ": " + f.def.PatternMessage.In(lang)
		}
		return pick(name+" hat nicht das erwartete Format.", name+" is not in the expected format.")
	case CodeNotANumber:
		return pick(name+" muss eine Zahl sein, zum Beispiel 12 oder 12,5.", name+" must be a number, for example 12 or 12.5.")
	case CodeTooSmall:
		v := c.amount(f, p.param.(float64), lang)
		return pick(name+" muss mindestens "+v+" sein.", name+" must be at least "+v+".")
	case CodeTooLarge:
		v := c.amount(f, p.param.(float64), lang)
		return pick(name+" darf höchstens "+v+" sein.", name+" must be at most "+v+".")
	case CodeStepMismatch:
		step := p.param.(float64)
		if d := decimals(&step); d > 0 && decimalOf(step).Cmp(decimalOf(pow10(-d))) == 0 {
			return pick(fmt.Sprintf("%s darf höchstens %d %s haben.", name, d, plural(d, "Nachkommastelle", "Nachkommastellen")),
				fmt.Sprintf("%s must have at most %d %s.", name, d, plural(d, "decimal place", "decimal places")))
		}
		s := formatNumber(step, -1, lang)
		return pick(name+" muss ein Vielfaches von "+s+" sein.", name+" must be a multiple of "+s+".")
	case CodeNotAnOption:
		return pick("Bitte wählen Sie bei "+name+" einen der angebotenen Werte.", "Please choose one of the offered values for "+name+".")
	case CodeInvalidDate:
		if k.day == dayInstant {
			return pick(name+" muss ein gültiges Datum mit Uhrzeit sein, zum Beispiel 24.12.2026 14:30.",
				name+" must be a valid date and time, for example 24 December 2026 14:30.")
		}
		return pick(name+" muss ein gültiges Datum sein, zum Beispiel 24.12.2026.", name+" must be a valid date, for example 24 December 2026.")
	case CodeTooEarly:
		d := formatDay(p.param.(time.Time), lang)
		return pick(name+" darf nicht vor dem "+d+" liegen.", name+" must not be before "+d+".")
	case CodeTooLate:
		d := formatDay(p.param.(time.Time), lang)
		return pick(name+" darf nicht nach dem "+d+" liegen.", name+" must not be after "+d+".")
	case CodeInvalidEmail:
		return pick(name+" muss eine E-Mail-Adresse sein, zum Beispiel name@example.org.", name+" must be an e-mail address, for example name@example.org.")
	case CodeTooMany:
		n := p.param.(int)
		return pick(fmt.Sprintf("Bei %s %s höchstens %d %s möglich.", name, plural(n, "ist", "sind"), n, k.itemNoun(n, "de")),
			fmt.Sprintf("%s allows at most %d %s.", name, n, k.itemNoun(n, "en")))
	case CodeTooFew:
		n := p.param.(int)
		return pick(fmt.Sprintf("Bei %s %s mindestens %d %s nötig.", name, plural(n, "ist", "sind"), n, k.itemNoun(n, "de")),
			fmt.Sprintf("%s needs at least %d %s.", name, n, k.itemNoun(n, "en")))
	case CodeDuplicate:
		return pick(name+" enthält einen Wert doppelt.", name+" contains a value twice.")
	case CodeUnknownField:
		return pick("Dieses Formular hat kein Feld "+name+".", "This form has no field "+name+".")
	case CodeReadOnly:
		if k.computed {
			return pick(name+" wird automatisch berechnet und kann nicht angegeben werden.", name+" is computed and cannot be given.")
		}
		return pick(name+" kann nicht geändert werden.", name+" cannot be changed.")
	case CodeInvalidType:
		return pick(name+" hat einen ungültigen Wert.", name+" has an invalid value.")
	case CodeUnknownReference:
		return pick(name+": Der angegebene Eintrag wurde nicht gefunden.", name+": the given entry was not found.")
	case CodeRetired:
		return pick(name+": Das gewählte Gerät ist ausgesondert und kann nicht mehr gewählt werden.", name+": the chosen asset is retired and cannot be chosen any more.")
	case CodeFileType:
		types := ""
		if f != nil {
			types = acceptList(f.def.Accept)
		}
		return pick(name+": Dieser Dateityp ist nicht erlaubt. Erlaubt: "+types+".", name+": this type of file is not allowed. Allowed: "+types+".")
	case CodeFileTooLarge:
		size := ""
		if f != nil {
			size = strings.Replace(strings.Replace(f.def.MaxSize, "MB", " MB", 1), "KB", " KB", 1)
		}
		return pick(name+": Die Datei ist größer als "+size+".", name+": the file is larger than "+size+".")
	case CodeCheckFailed:
		return pick("Die Angaben konnten gerade nicht geprüft werden. Bitte versuchen Sie es später noch einmal.",
			"Your entries could not be checked just now. Please try again later.")
	}
	return pick(name+" ist ungültig.", name+" is invalid.")
}

// displayName names the field of a problem for a message: „Preis“, or
// „Preis“ (Eintrag 3 von „Positionen“) inside a group.
func (c *Compiled) displayName(p problem, lang string) string {
	q := func(s string) string {
		if lang == "en" {
			return "“" + s + "”"
		}
		return "„" + s + "“"
	}
	if p.f == nil {
		head, row, sub := splitPath(p.path)
		if g := c.byPath[head]; g != nil && row >= 0 {
			return c.entryName(g, row, q(sub), q, lang)
		}
		return q(p.path)
	}
	if p.f.group == nil {
		if p.row >= 0 { // the entry itself, e.g. an entry that is not an object
			return c.entryName(p.f, p.row, "", q, lang)
		}
		return q(p.f.def.Label.In(lang))
	}
	return c.entryName(p.f.group, p.row, q(p.f.def.Label.In(lang)), q, lang)
}

func (c *Compiled) entryName(g *field, row int, sub string, q func(string) string, lang string) string {
	entry := fmt.Sprintf("Eintrag %d von %s", row+1, q(g.def.Label.In(lang)))
	if lang == "en" {
		entry = fmt.Sprintf("entry %d of %s", row+1, q(g.def.Label.In(lang)))
	}
	if sub == "" {
		if lang == "en" {
			return "Entry" + strings.TrimPrefix(entry, "entry")
		}
		return entry
	}
	return sub + " (" + entry + ")"
}

// amount writes a number with the field's unit: "5 Minuten".
func (c *Compiled) amount(f *field, v float64, lang string) string {
	s := formatNumber(v, -1, lang)
	if f != nil && !f.def.Unit.IsZero() {
		s += " " + f.def.Unit.In(lang)
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// phrase is a message in German and English; %s is the field's name.
type phrase struct{ de, en string }

// Kind.ask: how a missing value is asked for.
var (
	askFill    = phrase{"Bitte füllen Sie %s aus.", "Please fill in %s."}
	askChoose  = phrase{"Bitte wählen Sie bei %s etwas aus.", "Please choose %s."}
	askConfirm = phrase{"Bitte bestätigen Sie %s.", "Please confirm %s."}
	askUpload  = phrase{"Bitte laden Sie %s hoch.", "Please upload %s."}
	askEntries = phrase{"Bitte geben Sie bei %s mindestens einen Eintrag an.", "Please add at least one entry to %s."}
)

// noun names what a list holds, one and many, in German and English.
type noun struct{ deOne, deMany, enOne, enMany string }

// Kind.items: what a list or group holds.
var (
	nounEntries = noun{"Eintrag", "Einträge", "entry", "entries"}
	nounChoices = noun{"Auswahl", "Auswahlen", "choice", "choices"}
	nounFiles   = noun{"Datei", "Dateien", "file", "files"}
)

// itemNoun names n of what a list field holds: entries unless the kind says.
func (k *Kind) itemNoun(n int, lang string) string {
	w := k.items
	if w == (noun{}) {
		w = nounEntries
	}
	if lang == "en" {
		return plural(n, w.enOne, w.enMany)
	}
	return plural(n, w.deOne, w.deMany)
}

// acceptList writes accepted media types for people: "PNG, JPEG, PDF".
func acceptList(accept []string) string {
	out := make([]string, len(accept))
	for i, a := range accept {
		typ, sub, _ := strings.Cut(a, "/")
		if sub == "*" {
			out[i] = typ + "/*"
		} else {
			out[i] = strings.ToUpper(sub)
		}
	}
	return strings.Join(out, ", ")
}

func pow10(n int) float64 {
	f := 1.0
	for ; n < 0; n++ {
		f /= 10
	}
	for ; n > 0; n-- {
		f *= 10
	}
	return f
}
