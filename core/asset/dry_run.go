package asset

import (
	"fmt"
	"strings"

	"vorgang/core/fault"
)

// CodeBadDryRun is the code of a dry_run value ParseDryRun does not know.
const CodeBadDryRun = "bad_dry_run"

// ParseDryRun reads the dry_run parameter of an import. It accepts, in any
// case, true, 1, yes, on, ja (a dry run) and false, 0, no, off, nein (an
// import); empty means an import. Anything else is an error of kind
// fault.Malformed (code bad_dry_run) — never a guess, since guessing
// "false" for a value meant as "yes" would write the file.
func ParseDryRun(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1", "yes", "on", "ja":
		return true, nil
	case "", "false", "0", "no", "off", "nein":
		return false, nil
	}
	return false, fault.Coded(fault.Malformed, CodeBadDryRun, fmt.Sprintf("dry_run %q is none of true/false, 1/0, yes/no, on/off, ja/nein", v), "value", v)
}
