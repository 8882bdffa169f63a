package main

import (
	"io"
	"testing"
	"time"

	"vorgang/core/engine"
	"vorgang/core/script"
)

// The duration flags of serve: their defaults, a value from the command
// line or the environment, and a refusal of zero and negative values.
func TestDurationFlags(t *testing.T) {
	flags := []struct {
		flag, env string
		def       time.Duration
		get       func(serveConfig) time.Duration
	}{
		{"--upload-grace", "VORGANG_UPLOAD_GRACE", engine.DefaultUploadGrace, func(c serveConfig) time.Duration { return c.uploadGrace }},
		{"--script-timeout", "VORGANG_SCRIPT_TIMEOUT", script.DefaultTimeout, func(c serveConfig) time.Duration { return c.scriptLimit }},
	}
	for _, fl := range flags {
		tests := []struct {
			name string
			args []string
			env  string
			want time.Duration // 0: an error
		}{
			{"default", nil, "", fl.def},
			{"set", []string{fl.flag, "2h"}, "", 2 * time.Hour},
			{"environment", nil, "48h", 48 * time.Hour},
			{"flag over environment", []string{fl.flag, "3s"}, "48h", 3 * time.Second},
			{"zero", []string{fl.flag, "0s"}, "", 0},
			{"negative", []string{fl.flag, "-1h"}, "", 0},
		}
		for _, tt := range tests {
			t.Run(fl.flag+" "+tt.name, func(t *testing.T) {
				t.Setenv(fl.env, tt.env)
				c, err := parseServeFlags(tt.args, io.Discard)
				if tt.want == 0 {
					if err == nil {
						t.Fatalf("no error, want one")
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got := fl.get(c); got != tt.want {
					t.Errorf("%s = %s, want %s", fl.flag, got, tt.want)
				}
			})
		}
	}
}
