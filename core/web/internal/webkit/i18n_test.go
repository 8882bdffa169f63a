package webkit

import (
	"testing"
)

func TestNegotiateLang(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   Lang
	}{
		{"no header", "", LangDE},
		{"german", "de-DE,de;q=0.9", LangDE},
		{"english", "en", LangEN},
		{"english region", "en-GB", LangEN},
		{"case insensitive", "EN-us", LangEN},
		{"english preferred by order", "en-US,en;q=0.9,de;q=0.8", LangEN},
		{"german preferred by quality", "en;q=0.5,de;q=0.9", LangDE},
		{"equal quality keeps order", "de;q=0.7,en;q=0.7", LangDE},
		{"unsupported first", "fr-FR,fr;q=0.9,en;q=0.8", LangEN},
		{"only unsupported", "fr,it;q=0.5", LangDE},
		{"english refused", "en;q=0", LangDE},
		{"wildcard", "*", LangDE},
		{"malformed quality", "en;q=abc,de;q=0.1", LangDE},
		{"garbage", ";;,,=,q", LangDE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := negotiateLang(tt.header); got != tt.want {
				t.Errorf("negotiateLang(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

func TestMessagesComplete(t *testing.T) {
	for code, byLang := range messages {
		for _, l := range []Lang{LangDE, LangEN} {
			if byLang[l] == "" {
				t.Errorf("code %q has no %s message", code, l)
			}
		}
	}
}
