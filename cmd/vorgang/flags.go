package main

import (
	"errors"
	"flag"
)

// parseNoArgs parses the flags of a command that takes no arguments. When
// it returns false the command ends with code: 0 after -h, 2 for a bad
// flag or a stray argument (after the usage is printed).
func parseNoArgs(fl *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	if fl.NArg() > 0 {
		fl.Usage()
		return 2, false
	}
	return 0, true
}
