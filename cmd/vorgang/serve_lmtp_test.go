package main

import (
	"io"
	"testing"
)

func TestLMTPAddrFlag(t *testing.T) {
	tests := []struct {
		name, env string
		args      []string
		want      string
		fails     bool
	}{
		{"default: loopback", "", nil, "127.0.0.1:2424", false},
		{"set", "", []string{"--lmtp-addr", "127.0.0.1:24"}, "127.0.0.1:24", false},
		{"off", "", []string{"--lmtp-addr", "off"}, "", false},
		{"from the environment", "[::1]:2525", nil, "[::1]:2525", false},
		{"off in the environment", "off", nil, "", false},
		{"no port", "", []string{"--lmtp-addr", "localhost"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("VORGANG_LMTP_ADDR", tt.env)
			c, err := parseServeFlags(tt.args, io.Discard)
			if tt.fails {
				if err == nil {
					t.Fatalf("no error, want one")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.lmtpAddr != tt.want {
				t.Errorf("LMTP address %q, want %q", c.lmtpAddr, tt.want)
			}
		})
	}
}
