package web

import (
	"time"

	"github.com/valyala/fasthttp"
)

// Timeouts bound how long one client may hold a connection, so slow or
// lying clients (a Content-Length longer or shorter than the body, a head
// sent a byte at a time) cannot pin connections for long.
type Timeouts struct {
	// Header is how long a client may take to send a request's head, from
	// its first byte (on a kept-alive connection) or from the connection's
	// start. Default: 10 s.
	Header time.Duration
	// Body is how long a client may take to send a body beyond its head,
	// plus one second per BodyRate bytes the body announces, at most
	// MaxBody. Default: 30 s.
	Body time.Duration
	// Idle is how long a kept-alive connection may wait for its next
	// request. Default: 60 s.
	Idle time.Duration
	// Write is how long a client may take to read a response. Default:
	// 2 min.
	Write time.Duration
}

// DefaultTimeouts are the timeouts of a public server. A head is a few
// hundred bytes: 10 s is ample on any link. A body gets 30 s plus the time
// it takes at BodyRate (100 KB/s, a slow mobile uplink), at most MaxBody:
// a 10 MB upload may take 2 min 12 s, the 32 MB of the largest post 5 min.
var DefaultTimeouts = Timeouts{Header: 10 * time.Second, Body: 30 * time.Second, Idle: 60 * time.Second, Write: 2 * time.Minute}

const (
	// BodyRate is the slowest upload speed a body's timeout allows for.
	BodyRate = 100 << 10
	// MaxBody bounds the time to send one body, whatever its length.
	MaxBody = 5 * time.Minute
)

func (t Timeouts) withDefaults() Timeouts {
	if t.Header <= 0 {
		t.Header = DefaultTimeouts.Header
	}
	if t.Body <= 0 {
		t.Body = DefaultTimeouts.Body
	}
	if t.Idle <= 0 {
		t.Idle = DefaultTimeouts.Idle
	}
	if t.Write <= 0 {
		t.Write = DefaultTimeouts.Write
	}
	return t
}

// bodyTimeout is the time allowed to send a body of n bytes; fasthttp
// reports -1 for a chunked body of unknown length, -2 for none.
func (t Timeouts) bodyTimeout(n int) time.Duration {
	switch {
	case n == -1:
		return max(MaxBody, t.Body)
	case n < 0:
		return t.Body
	}
	return min(t.Body+time.Duration(n)*time.Second/BodyRate, max(MaxBody, t.Body))
}

// forBody is the server's HeaderReceived hook: once the head is read, the
// read deadline moves from the head's timeout to the body's. The body limit
// stays the server's.
func (t Timeouts) forBody(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	return fasthttp.RequestConfig{ReadTimeout: t.bodyTimeout(h.ContentLength())}
}
