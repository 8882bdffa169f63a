package web_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/web"
)

// TestSlowAndLyingClientsAreCutOff: a client that sends a head slowly,
// announces a longer body than it sends, sends more than it announced, or
// keeps a connection open without a next request loses the connection once
// the configured timeout has passed. The client here waits far longer than
// the timeouts (1 s); with the former 60 s read timeout it waited in vain.
func TestSlowAndLyingClientsAreCutOff(t *testing.T) {
	app, _ := newTestApp(t, web.Deps{Timeouts: web.Timeouts{Header: time.Second, Body: 4 * time.Second, Idle: time.Second}})
	app.Post("/echo", func(c *fiber.Ctx) error { return c.Send(c.Body()) })
	u, _ := url.Parse(serve(t, app))
	tests := []struct {
		name      string
		send      []string // pieces, sent half a second apart
		responses int      // complete answers before the server hangs up
	}{
		{"head never finished", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"}, 0},
		{"body shorter than announced", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nshort"}, 0},
		{"body longer than announced", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello and then some bytes that never end a head"}, 1},
		{"idle after a request", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"}, 1},
		// The body has its own time: a slow upload outlasting the head's
		// timeout is answered.
		{"slow body within its time", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 15\r\n\r\n", "hello", "hello", "hello"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", u.Host)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			// Far beyond the server's timeouts: reaching it means the
			// server kept the connection.
			_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			for i, piece := range tt.send {
				if i > 0 {
					time.Sleep(500 * time.Millisecond)
				}
				if _, err := io.WriteString(conn, piece); err != nil {
					t.Fatal(err)
				}
			}
			r := bufio.NewReader(conn)
			for i := 0; i < tt.responses; i++ {
				resp, err := http.ReadResponse(r, nil)
				if err != nil {
					t.Fatalf("answer %d: %v", i+1, err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("answer %d: status %d", i+1, resp.StatusCode)
				}
			}
			// Whatever the server still says (an error answer or nothing),
			// it must end with the connection closed.
			_, err = io.Copy(io.Discard, r)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("the server still held the connection after 20 s")
			}
		})
	}
}
