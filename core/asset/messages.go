package asset

import (
	"vorgang/core/fault"
	"vorgang/core/form"
)

// Codes of the checks the package makes itself; the form's own codes
// (form.CodeRequired and friends) are used where they fit.
const (
	CodeUnknownClass     = "unknown_class"     // no asset class with the id
	CodeUnknownStatus    = "unknown_status"    // not a status of the class
	CodeUnknownRelation  = "unknown_relation"  // not a relation of the class
	CodeInvalidNumber    = "invalid_number"    // not a well-formed inventory number
	CodeWrongClass       = "wrong_class"       // a relation target of another class than the relation allows
	CodeOtherClass       = "other_class"       // the inventory number belongs to an asset of another class
	CodeDuplicateNumber  = "duplicate_number"  // the same inventory number twice in one file
	CodeNumberTaken      = "number_taken"      // a given inventory number is taken (in any case)
	CodeClassFixed       = "class_fixed"       // an edit names another class: an asset keeps its class
	CodeRepeatedColumn   = "repeated_column"   // a CSV header naming a column twice
	CodeSelfReference    = "self_reference"    // a containment relation pointing at the asset itself
	CodeContainmentCycle = "containment_cycle" // a containment relation that would make the asset contain itself through others
	CodeControlCharacter = "control_character" // a control character (NUL, ESC, a line break in a single-line field)
	CodeStillReferenced  = "still_referenced"  // retiring an asset a relation declared on_retire: refuse still points at
	// CodeStillReferencedWarning is the message, not a code, of a warned retirement in an import (code still_referenced).
	CodeStillReferencedWarning = "still_referenced_warning"
	CodeNotABoolean            = "not_a_boolean"    // a checkbox cell that is not yes/no
	CodeFieldCount             = "field_count"      // a CSV row with more or fewer cells than the header
	CodeCSVSyntax              = "csv_syntax"       // a CSV row that cannot be read (quotes)
	CodeInvalidEncoding        = "invalid_encoding" // a CSV row that is not UTF-8
	CodeUnknownColumn          = "unknown_column"   // a CSV header naming nothing of the class
	CodeRetired                = "retired"          // a retired asset cannot be linked or retired again
)

var messages = map[string][2]string{
	CodeUnknownClass:           {"Diese Anlagenklasse gibt es nicht.", "There is no such asset class."},
	CodeUnknownStatus:          {"Diesen Status hat die Anlagenklasse nicht.", "The asset class has no such status."},
	CodeUnknownRelation:        {"Diese Beziehung hat die Anlagenklasse nicht.", "The asset class has no such relation."},
	CodeInvalidNumber:          {"Inventarnummern bestehen aus Buchstaben, Ziffern, '-', '_' und '.' (höchstens 40 Zeichen).", "Inventory numbers consist of letters, digits, '-', '_' and '.' (at most 40 characters)."},
	CodeWrongClass:             {"Das Ziel gehört zu einer anderen Anlagenklasse.", "The target belongs to another asset class."},
	CodeOtherClass:             {"Die Inventarnummer gehört zu einem Gerät einer anderen Klasse.", "The inventory number belongs to an asset of another class."},
	CodeDuplicateNumber:        {"Die Inventarnummer steht mehrfach in der Datei.", "The inventory number appears more than once in the file."},
	CodeNumberTaken:            {"Diese Inventarnummer ist schon vergeben (Groß- und Kleinschreibung zählen nicht).", "This inventory number is already taken (regardless of case)."},
	CodeClassFixed:             {"Die Anlagenklasse eines Geräts kann nicht geändert werden.", "The class of an asset cannot be changed."},
	CodeSelfReference:          {"Ein Gerät kann nicht in sich selbst stehen.", "An asset cannot be inside itself."},
	CodeContainmentCycle:       {"Das Ziel steht (über andere) in diesem Gerät: das wäre ein Kreis.", "The target is (through others) inside this asset: that would be a cycle."},
	CodeControlCharacter:       {"Der Text enthält Steuerzeichen (etwa NUL oder ESC, in einzeiligen Feldern auch Zeilenumbrüche).", "The text contains control characters (such as NUL or ESC, in single-line fields also line breaks)."},
	CodeStillReferenced:        {"Andere Geräte verweisen noch auf dieses Gerät; ändern Sie zuerst deren Beziehungen.", "Other assets still point at this one; change their relations first."},
	CodeStillReferencedWarning: {"Andere Geräte verweisen noch auf dieses Gerät; sie zeigen danach auf ein ausgesondertes.", "Other assets still point at this one; they will point at a retired asset."},
	CodeRepeatedColumn:         {"Diese Spalte steht mehrfach in der Kopfzeile.", "This column appears more than once in the header."},
	CodeNotABoolean:            {"Bitte ja oder nein angeben.", "Please give yes or no."},
	CodeFieldCount:             {"Die Zeile hat nicht so viele Spalten wie die Kopfzeile.", "The row does not have as many columns as the header."},
	CodeCSVSyntax:              {"Die Zeile ist kein gültiges CSV (Anführungszeichen prüfen).", "The row is not valid CSV (check the quotes)."},
	CodeInvalidEncoding:        {"Die Zeile ist nicht in UTF-8 kodiert.", "The row is not encoded in UTF-8."},
	CodeUnknownColumn:          {"Diese Spalte kennt die Anlagenklasse nicht.", "The asset class has no such column."},
	CodeRetired:                {"Das Gerät ist ausgesondert.", "The asset is retired."},
	form.CodeRequired:          {"Bitte ausfüllen.", "Please fill in."},
	form.CodeTooLong:           {"Der Text ist zu lang.", "The text is too long."},
	form.CodeTooMany:           {"Diese Beziehung erlaubt nur ein Ziel.", "This relation allows one target only."},
	form.CodeUnknownReference:  {"Das Ziel gibt es nicht.", "The target does not exist."},
	form.CodeInvalidType:       {"Der Wert hat die falsche Art.", "The value has the wrong kind."},
}

// message returns the text of a code in lang ("en" or German).
func message(code, lang string) string {
	m, ok := messages[code]
	if !ok {
		return code
	}
	if lang == "en" {
		return m[1]
	}
	return m[0]
}

func fieldError(field, code, lang string) form.FieldError {
	return form.FieldError{Field: field, Code: code, Message: message(code, lang)}
}

func invalid(field, code, lang string) error {
	return fault.Fields(fieldError(field, code, lang))
}
