package form

import (
	"strconv"
	"strings"

	"vorgang/core/definition"
)

// MaxFileSize reads a file field's max_size (10MB, 500KB) in bytes; 0 when
// the field sets none.
func MaxFileSize(f *definition.Field) int64 {
	s := f.MaxSize
	unit := int64(1)
	switch {
	case strings.HasSuffix(s, "MB"):
		unit, s = 1<<20, strings.TrimSuffix(s, "MB")
	case strings.HasSuffix(s, "KB"):
		unit, s = 1<<10, strings.TrimSuffix(s, "KB")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n * unit
}

// ByteSize writes a size as people read it: "10 MB", "1.5 MB", "500 KB".
func ByteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// fileLimit is the largest file a field takes: its max_size, within the
// server's limit (0: none).
func fileLimit(f *definition.Field, server int64) int64 {
	limit := MaxFileSize(f)
	if server > 0 && (limit == 0 || server < limit) {
		limit = server
	}
	return limit
}

// fileLimits states what a file field takes, next to it: the types, the
// size of one file and how many.
func fileLimits(f *field, server int64, lang string) string {
	de := lang != "en"
	var parts []string
	if len(f.def.Accept) > 0 {
		names := make([]string, len(f.def.Accept))
		for i, a := range f.def.Accept {
			typ, sub, _ := strings.Cut(a, "/")
			switch {
			case sub != "*":
				names[i] = strings.ToUpper(sub)
			case typ == "image" && de:
				names[i] = "Bilder"
			case typ == "image":
				names[i] = "images"
			default:
				names[i] = a
			}
		}
		prefix := "Allowed: "
		if de {
			prefix = "Erlaubt: "
		}
		parts = append(parts, prefix+strings.Join(names, ", "))
	}
	if limit := fileLimit(f.def, server); limit > 0 {
		if de {
			parts = append(parts, "höchstens "+ByteSize(limit)+" je Datei")
		} else {
			parts = append(parts, "at most "+ByteSize(limit)+" per file")
		}
	}
	switch n := f.maxItems(); {
	case n == 1 && de:
		parts = append(parts, "eine Datei")
	case n == 1:
		parts = append(parts, "one file")
	case de:
		parts = append(parts, "bis zu "+strconv.Itoa(n)+" Dateien")
	default:
		parts = append(parts, "up to "+strconv.Itoa(n)+" files")
	}
	return strings.Join(parts, " · ")
}
