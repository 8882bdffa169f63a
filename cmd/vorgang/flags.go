package main

import (
	"errors"
	"flag"
)

// parseFlags parses a command's flags. When it returns false the command
// ends with code: 0 after -h or --help (the usage is printed: asking for
// help is no error), 2 for a bad flag.
func parseFlags(fl *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	return 0, true
}

// parseNoArgs is parseFlags for a command that takes no arguments: a
// stray argument ends it with code 2 (after the usage is printed).
func parseNoArgs(fl *flag.FlagSet, args []string) (code int, ok bool) {
	if code, ok := parseFlags(fl, args); !ok {
		return code, false
	}
	if fl.NArg() > 0 {
		fl.Usage()
		return 2, false
	}
	return 0, true
}

// askedForHelp is whether args are only a request for help, for commands
// whose first argument is a name rather than a flag.
func askedForHelp(args []string) bool {
	return len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help")
}
