package main

import (
	"io"
	"slices"
	"testing"
)

func TestTrustedProxyFlag(t *testing.T) {
	tests := []struct {
		arg  string
		want []string // nil: an error
	}{
		{"", []string{}},
		{"10.0.0.1", []string{"10.0.0.1/32"}},
		{"10.0.0.0/8, 2001:db8::1 ,fd00::/8", []string{"10.0.0.0/8", "2001:db8::1/128", "fd00::/8"}},
		{"10.1.2.3/8", []string{"10.0.0.0/8"}},
		{"proxy.example.org", nil},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			c, err := parseServeFlags([]string{"--trusted-proxy", tt.arg}, io.Discard)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("no error, want one")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, p := range c.proxies {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("proxies %v, want %v", got, tt.want)
			}
		})
	}
}
