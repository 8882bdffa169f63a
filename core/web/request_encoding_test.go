package web_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"net/http"
	"strings"
	"testing"
	"vorgang/core/web/internal/webtest"

	"github.com/valyala/fasthttp"
)

// bomb returns a body that unpacks to size bytes of a JSON string, packed
// with the coding: the shape of a compression bomb.
func bomb(t *testing.T, coding string, size int) []byte {
	t.Helper()
	plain := append(append([]byte(`{"process":"citizen-request","data":{"summary":"`), bytes.Repeat([]byte("a"), size)...), `"}}`...)
	var buf bytes.Buffer
	switch coding {
	case "gzip":
		w := gzip.NewWriter(&buf)
		_, _ = w.Write(plain)
		_ = w.Close()
	case "deflate": // HTTP's deflate is the zlib format (RFC 9110, 8.4.1.2)
		w := zlib.NewWriter(&buf)
		_, _ = w.Write(plain)
		_ = w.Close()
	case "br":
		return fasthttp.AppendBrotliBytesLevel(nil, plain, fasthttp.CompressBrotliDefaultCompression)
	default: // a coding nobody knows: its content does not matter
		return []byte("?")
	}
	return buf.Bytes()
}

// TestCompressedBodiesRefused: a body sent with a content coding is refused
// with 415 before anything unpacks it, on the API and on the pages alike;
// the answer names identity as the coding accepted. Without the refusal the
// API unpacked a 300 KB gzip body to 300 MB.
func TestCompressedBodiesRefused(t *testing.T) {
	env := webtest.NewUIEnv(t)
	const unpacked = 64 << 20 // well above the body limit of 32 MB
	tests := []struct {
		coding string
		path   string
		ctype  string
		html   bool
	}{
		{"gzip", "/api/v1/tickets", "application/json", false},
		{"deflate", "/api/v1/tickets", "application/json", false},
		{"br", "/api/v1/tickets", "application/json", false},
		{"gzip, br", "/api/v1/tickets", "application/json", false},
		{"GZIP", "/api/v1/login", "application/json", false},
		{"x-unknown", "/api/v1/tickets", "application/json", false},
		{"gzip", "/portal/new/citizen-request", "application/x-www-form-urlencoded", true},
		{"br", "/app/login", "application/x-www-form-urlencoded", true},
	}
	for _, tt := range tests {
		t.Run(tt.coding+" "+tt.path, func(t *testing.T) {
			first, _, _ := strings.Cut(tt.coding, ",")
			body := bomb(t, strings.ToLower(first), unpacked)
			if len(body) > 1<<20 {
				t.Fatalf("the bomb is %d bytes packed; want a small one", len(body))
			}
			req, _ := http.NewRequest(http.MethodPost, env.Base+tt.path, bytes.NewReader(body))
			req.Header.Set("Content-Type", tt.ctype)
			req.Header.Set("Content-Encoding", tt.coding)
			req.Header.Set("Accept-Language", "en")
			p := env.Browser(t).Do(req)
			if p.Status != http.StatusUnsupportedMediaType {
				t.Fatalf("status %d, want 415\n%.300s", p.Status, p.Body)
			}
			if got := p.Header.Get("Accept-Encoding"); got != "identity" {
				t.Errorf("Accept-Encoding = %q, want identity", got)
			}
			if tt.html {
				if !strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") || !strings.Contains(p.Body, "unsupported_content_encoding") {
					t.Errorf("want an HTML error page naming unsupported_content_encoding, got %s\n%.300s", p.Header.Get("Content-Type"), p.Body)
				}
				return
			}
			if !strings.Contains(p.Body, `"code":"unsupported_content_encoding"`) {
				t.Errorf("body %.300s, want code unsupported_content_encoding", p.Body)
			}
		})
	}
	t.Run("identity passes", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, env.Base+"/api/v1/login", strings.NewReader(`{"name":"anna","password":"`+webtest.UIPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "identity")
		if p := env.Browser(t).Do(req); p.Status != http.StatusOK {
			t.Fatalf("status %d, want 200: %s", p.Status, p.Body)
		}
	})
}
