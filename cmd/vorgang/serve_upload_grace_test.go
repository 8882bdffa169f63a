package main

import (
	"io"
	"testing"
	"time"

	"vorgang/core/engine"
)

func TestUploadGraceFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want time.Duration // 0: an error
	}{
		{"default", nil, engine.DefaultUploadGrace},
		{"set", []string{"--upload-grace", "2h"}, 2 * time.Hour},
		{"zero", []string{"--upload-grace", "0s"}, 0},
		{"negative", []string{"--upload-grace", "-1h"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("VORGANG_UPLOAD_GRACE", "")
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
			if c.uploadGrace != tt.want {
				t.Errorf("upload grace %s, want %s", c.uploadGrace, tt.want)
			}
		})
	}
	t.Run("environment", func(t *testing.T) {
		t.Setenv("VORGANG_UPLOAD_GRACE", "48h")
		c, err := parseServeFlags(nil, io.Discard)
		if err != nil || c.uploadGrace != 48*time.Hour {
			t.Fatalf("upload grace %s, %v; want 48h", c.uploadGrace, err)
		}
	})
}
