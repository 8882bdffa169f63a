package form

import (
	"sort"
	"strconv"
	"strings"

	"vorgang/core/fault"
)

// FieldError is one problem with a submission: its Field is the path of
// the field it concerns ("summary", "items", "items[2].price") or empty for
// the form as a whole; its Message is in the language asked for.
type FieldError = fault.FieldError

// Error codes. They are part of the API: clients may rely on them.
const (
	CodeRequired         = "required"          // a required field has no value (a required checkbox is unticked)
	CodeTooShort         = "too_short"         // text shorter than min_length
	CodeTooLong          = "too_long"          // text longer than max_length (or the default limit)
	CodePattern          = "pattern"           // text does not match pattern
	CodeNotANumber       = "not_a_number"      // a number field got something else
	CodeTooSmall         = "too_small"         // number below min
	CodeTooLarge         = "too_large"         // number above max
	CodeStepMismatch     = "step_mismatch"     // number not a multiple of step (e.g. too many decimals)
	CodeNotAnOption      = "not_an_option"     // select value not among the options
	CodeInvalidDate      = "invalid_date"      // not a date (date) or not a date and time (datetime)
	CodeTooEarly         = "too_early"         // date before min_date
	CodeTooLate          = "too_late"          // date after max_date
	CodeInvalidEmail     = "invalid_email"     // not an e-mail address
	CodeTooMany          = "too_many"          // more entries, values or files than max_items
	CodeTooFew           = "too_few"           // fewer entries, values or files than min_items
	CodeDuplicate        = "duplicate"         // the same value twice in a multiselect or file field
	CodeUnknownField     = "unknown_field"     // the form has no such field
	CodeReadOnly         = "read_only"         // a computed or read-only field was sent
	CodeInvalidType      = "invalid_type"      // a value of the wrong kind (e.g. a list for a text field)
	CodeUnknownReference = "unknown_reference" // a user, asset, lookup value or file that does not exist
	CodeRetired          = "retired"           // an asset that exists but is retired, so it cannot be chosen
	CodeFileType         = "file_type"         // a file whose content is not of an accepted type
	CodeFileTooLarge     = "file_too_large"    // a file larger than max_size
	CodeCheckFailed      = "check_failed"      // a check could not be made (a script or lookup failed)
)

// problem is a FieldError before it is put into words.
type problem struct {
	path  string // error path, "items[2].price"
	code  string
	f     *field // nil for unknown fields and form-level problems
	row   int    // entry index of a sub-field, -1 otherwise
	param any    // the limit that was violated, e.g. 5 for too_short
	msg   string // the words of a script's error, which brings its own
}

// problems collects problems, at most one per path: the first one found is
// the most useful (required before type before range). Form-level problems
// (path "") are all kept.
type problems struct {
	list []problem
	seen map[string]bool
}

func (p *problems) add(pr problem) {
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	if p.seen[pr.path] && pr.path != "" {
		return
	}
	p.seen[pr.path] = true
	p.list = append(p.list, pr)
}

func (p *problems) has(path string) bool { return p.seen[path] }

func (p *problems) empty() bool { return len(p.list) == 0 }

// entryPath returns the error path of a sub-field in entry row.
func entryPath(group string, row int, sub string) string {
	return group + "[" + strconv.Itoa(row) + "]." + sub
}

// fieldErrors puts the problems into words, in the order of the form.
func (c *Compiled) fieldErrors(ps []problem, lang string) []FieldError {
	sort.SliceStable(ps, func(i, j int) bool { return c.less(ps[i], ps[j]) })
	out := make([]FieldError, len(ps))
	for i, p := range ps {
		msg := p.msg
		if msg == "" {
			msg = c.message(p, lang)
		}
		out[i] = FieldError{Field: p.path, Code: p.code, Message: msg}
	}
	return out
}

// less orders problems by where their field is in the form: top-level field
// order, then entry, then sub-field order; form-level problems and unknown
// fields come last.
func (c *Compiled) less(a, b problem) bool {
	ka, kb := c.sortKey(a), c.sortKey(b)
	for i := range ka {
		if ka[i] != kb[i] {
			return ka[i] < kb[i]
		}
	}
	return a.path < b.path
}

func (c *Compiled) sortKey(p problem) [3]int {
	const last = 1 << 30
	if p.f == nil {
		return [3]int{last, 0, 0}
	}
	if p.f.group == nil {
		return [3]int{c.order[p.f.path], -1, 0}
	}
	return [3]int{c.order[p.f.group.path], p.row, c.order[p.f.path]}
}

// splitPath splits an error path like "items[2].price" into group, entry and
// sub-field; a top-level path returns row -1.
func splitPath(path string) (head string, row int, sub string) {
	i := strings.IndexByte(path, '[')
	if i < 0 {
		return path, -1, ""
	}
	j := strings.IndexByte(path[i:], ']')
	if j < 0 {
		return path, -1, ""
	}
	n, err := strconv.Atoi(path[i+1 : i+j])
	if err != nil {
		return path, -1, ""
	}
	rest := strings.TrimPrefix(path[i+j+1:], ".")
	return path[:i], n, rest
}
