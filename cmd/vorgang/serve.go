package main

import (
	"context"
	"io"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return 0
}
