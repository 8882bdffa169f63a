package store

import (
	"context"
	"sync"
)

// groupQueue lets concurrent callers share one write. The first caller
// sends its request at once; the callers that arrive while it is on its
// way are sent together as the next group, by the first of them, and so
// on. A lone caller waits for nobody; each caller gets its own result.
// The embedded database syncs once per write, so a group of eight costs
// one sync where eight writes cost eight.
type groupQueue[R any] struct {
	mu      sync.Mutex
	pending []*groupEntry[R]
	sending bool
}

type groupEntry[R any] struct {
	req  R
	done chan error
	// lead is closed when this caller is to send the next group.
	lead chan struct{}
}

// do queues req and returns its result, once a group carrying it was sent
// by send, which returns one result per request of the group. A group
// carries at most maxInsertBatch requests and the requests of several
// callers, so it is sent with batchTimeout, not with the context of the
// caller that happens to send it.
func (q *groupQueue[R]) do(ctx context.Context, req R, send func(ctx context.Context, group []R) []error) error {
	e := &groupEntry[R]{req: req, done: make(chan error, 1), lead: make(chan struct{})}
	q.mu.Lock()
	q.pending = append(q.pending, e)
	if q.sending {
		q.mu.Unlock()
		select {
		case err := <-e.done: // a sender carried it; its result is final
			return err
		case <-e.lead:
		}
	} else {
		q.sending = true
		q.mu.Unlock()
	}

	// This caller sends the next group, which starts with its own request,
	// and hands the sending on to the first caller still waiting.
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
	defer cancel()
	q.mu.Lock()
	n := min(len(q.pending), maxInsertBatch)
	group := q.pending[:n:n]
	q.pending = q.pending[n:]
	q.mu.Unlock()
	reqs := make([]R, len(group))
	for i, g := range group {
		reqs[i] = g.req
	}
	results := send(sendCtx, reqs)
	for i, g := range group {
		g.done <- results[i]
	}
	q.mu.Lock()
	if len(q.pending) > 0 {
		close(q.pending[0].lead)
	} else {
		q.sending = false
	}
	q.mu.Unlock()
	return <-e.done
}
