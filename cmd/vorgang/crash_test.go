package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The crash test drives the real binary: clients open tickets with
// idempotency keys, the server is killed with SIGKILL in the middle, and
// after a restart every request that was sent is retried with its key.
// Beside them, crashPlainClients clients of another user open tickets
// without a key, whose numbers the server writes with the ticket
// (store.ReserveNumber): what they were acknowledged must be there after
// the restart, and the numbers of both kinds stay gap-free.

const (
	crashRounds    = 3  // kill/restart cycles
	crashClients   = 8  // concurrent clients while the server is killed
	crashPerClient = 40 // requests a client sends at most per round
	crashMinAcks   = 10 // the server is killed after a random number of
	crashMaxAcks   = 70 // acknowledged creates in [min, max)
	// crashPlainClients of the crashClients send no key.
	crashPlainClients = 2
)

// crashServeArgs are the server's arguments. The IT desk's create hook
// gets a time limit far above its default: the race detector and a busy
// machine can stall one call beyond 100 ms, and what this test checks is
// the store, not the hook's limit.
func crashServeArgs(data string) []string {
	return []string{"--data", data, "--script-timeout", "10s"}
}

const crashTicket = `{"process":"it-incident","data":{"summary":"Drucker im Raum 204 druckt nicht","category":"printer","impact":"single","urgency":"low","location":"rathaus"}}`

// crashAPI is an API client with the administrator's token.
type crashAPI struct {
	http  *http.Client
	token string
}

type createReply struct {
	status     int
	number     string
	code       string // error code when status ≥ 400
	retryAfter string
	body       string
}

// create posts the IT incident with key as Idempotency-Key (none when
// key is empty). err is a
// transport error: no reply came (the server died or the connection broke).
func (a *crashAPI) create(base, key string) (createReply, error) {
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/tickets", strings.NewReader(crashTicket))
	if err != nil {
		return createReply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return createReply{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return createReply{}, err
	}
	r := createReply{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), body: string(data)}
	var out struct {
		Number string `json:"number"`
		Error  struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return r, fmt.Errorf("reply %d is not JSON: %s", resp.StatusCode, data)
	}
	r.number, r.code = out.Number, out.Error.Code
	return r, nil
}

// getJSON reads path as the administrator and decodes the JSON reply.
func (a *crashAPI) getJSON(t *testing.T, base, path string, out any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := a.http.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, data)
	}
}

// retryOutcome is what retrying one key after a restart came to.
type retryOutcome struct {
	number string
	// waits lists the replies that asked the client to come back later
	// (409 or 503 with Retry-After) before the ticket came, as "409 code".
	waits []string
	// failure describes a reply that is neither the ticket nor a retryable
	// status: the client cannot know whether its ticket exists.
	failure string
}

// retry sends the create for key until it gets the ticket, honouring
// 409/503 with Retry-After for at most 30 s; any other reply ends it.
func (a *crashAPI) retry(base, key string) retryOutcome {
	var out retryOutcome
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, err := a.create(base, key)
		switch {
		case err != nil:
			out.failure = fmt.Sprintf("transport error: %v", err)
			return out
		case r.status == http.StatusCreated && r.number != "":
			out.number = r.number
			return out
		case (r.status == http.StatusConflict || r.status == http.StatusServiceUnavailable) && r.retryAfter != "":
			secs, err := strconv.Atoi(r.retryAfter)
			if err != nil || secs < 0 || secs > 30 {
				out.failure = fmt.Sprintf("%d with unusable Retry-After %q: %s", r.status, r.retryAfter, r.body)
				return out
			}
			out.waits = append(out.waits, fmt.Sprintf("%d %s", r.status, r.code))
			if time.Now().Add(time.Duration(secs) * time.Second).After(deadline) {
				out.failure = fmt.Sprintf("still %d %s after 30 s of retries: %s", r.status, r.code, r.body)
				return out
			}
			time.Sleep(max(time.Duration(secs)*time.Second, 100*time.Millisecond))
		default:
			out.failure = fmt.Sprintf("%d %s (Retry-After %q): %s", r.status, r.code, r.retryAfter, r.body)
			return out
		}
	}
}

// crashLoad is what the clients of one round sent before the kill.
type crashLoad struct {
	mu      sync.Mutex
	sent    map[string]int    // key → client that sent it
	acked   map[string]string // key → number acknowledged with 201
	cutOff  map[string]bool   // keys whose request got no reply
	plain   []string          // numbers acknowledged to creates without a key
	reached bool              // the kill threshold was reached
}

// load runs the clients against base and kills srv after killAfter
// acknowledgements (or when every client has stopped). The last
// crashPlainClients clients send no key, as plain.
func load(t *testing.T, api, plain *crashAPI, srv *server, round, killAfter int) *crashLoad {
	t.Helper()
	l := &crashLoad{sent: map[string]int{}, acked: map[string]string{}, cutOff: map[string]bool{}}
	base := "http://" + srv.addr
	var acks atomic.Int64
	var killing atomic.Bool
	threshold := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for c := range crashClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keyed := c < crashClients-crashPlainClients
			for i := range crashPerClient {
				key := fmt.Sprintf("crash-r%d-c%d-%03d", round, c, i)
				client, sendKey := api, key
				if keyed {
					l.mu.Lock()
					l.sent[key] = c
					l.mu.Unlock()
				} else {
					client, sendKey = plain, ""
				}
				r, err := client.create(base, sendKey)
				if err != nil {
					l.mu.Lock()
					if keyed {
						l.cutOff[key] = true
					}
					l.mu.Unlock()
					if !killing.Load() {
						t.Errorf("client %d: %s before the kill: %v", c, key, err)
					}
					return
				}
				if r.status != http.StatusCreated || r.number == "" {
					t.Errorf("client %d: %s: %d %s", c, key, r.status, r.body)
					return
				}
				l.mu.Lock()
				if keyed {
					l.acked[key] = r.number
				} else {
					l.plain = append(l.plain, r.number)
				}
				l.mu.Unlock()
				if acks.Add(1) == int64(killAfter) {
					once.Do(func() { close(threshold) })
				}
			}
		}()
	}
	clientsDone := make(chan struct{})
	go func() { wg.Wait(); close(clientsDone) }()

	select {
	case <-threshold:
		l.reached = true
	case <-clientsDone:
	}
	killing.Store(true)
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-srv.done:
		if ws, ok := srv.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("server did not die of SIGKILL: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not die after SIGKILL")
	}
	select {
	case <-clientsDone:
	case <-time.After(30 * time.Second):
		t.Fatal("clients did not stop after the kill")
	}
	return l
}

// resolveAll retries every key in keys against base, crashClients at a
// time; keys in twice are sent by two concurrent retries, like a client
// that retries while its first retry is still under way. It returns the
// outcome per key (for a doubled key: the first that failed, else either).
func resolveAll(api *crashAPI, base string, keys []string, twice map[string]bool) map[string]retryOutcome {
	var mu sync.Mutex
	out := make(map[string]retryOutcome, len(keys))
	work := make(chan string)
	var wg sync.WaitGroup
	for range crashClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for key := range work {
				n := 1
				if twice[key] {
					n = 2
				}
				results := make([]retryOutcome, n)
				var inner sync.WaitGroup
				for i := range n {
					inner.Add(1)
					go func() { defer inner.Done(); results[i] = api.retry(base, key) }()
				}
				inner.Wait()
				got := results[0]
				for _, r := range results[1:] {
					got.waits = append(got.waits, r.waits...)
					switch {
					case r.failure != "" && got.failure == "":
						got.failure = r.failure
					case r.number != got.number && r.failure == "" && got.failure == "":
						got.failure = fmt.Sprintf("two concurrent retries got two tickets: %s and %s", got.number, r.number)
					}
				}
				mu.Lock()
				out[key] = got
				mu.Unlock()
			}
		}()
	}
	for _, k := range keys {
		work <- k
	}
	close(work)
	wg.Wait()
	return out
}

// listMine lists the tickets api's user opened, by number with how often
// each was listed. All are still new, so the open-ticket list has them.
func listMine(t *testing.T, api *crashAPI, base string) map[string]int {
	t.Helper()
	listed := map[string]int{}
	after := ""
	for page := 0; page < 100; page++ {
		var list struct {
			Tickets []struct {
				Number string `json:"number"`
			} `json:"tickets"`
			Next string `json:"next"`
		}
		path := "/api/v1/tickets?requester=me&limit=200"
		if after != "" {
			path += "&after=" + after
		}
		api.getJSON(t, base, path, &list)
		for _, tk := range list.Tickets {
			listed[tk.Number]++
		}
		if list.Next == "" || len(list.Tickets) == 0 {
			break
		}
		after = list.Next
	}
	return listed
}

func TestServeSIGKILLLosesNoAcknowledgedTicket(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the server four times")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 4))

	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	api := &crashAPI{token: adminToken(t, dir, data, "root"), http: &http.Client{Timeout: 45 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 2 * crashClients}}}
	defer api.http.CloseIdleConnections()
	// The creates without a key come from another user, so that root's
	// tickets are exactly those of the keys.
	plain := &crashAPI{token: adminToken(t, dir, data, "kiosk"), http: api.http}
	var plainAcked []string

	resolved := map[string]string{} // key → number, over all rounds
	var allKeys []string
	srv := startServer(t, dir, crashServeArgs(data)...)
	for round := range crashRounds {
		killAfter := crashMinAcks + rng.IntN(crashMaxAcks-crashMinAcks)
		l := load(t, api, plain, srv, round, killAfter)
		if !l.reached {
			t.Fatalf("round %d: the clients stopped before %d acknowledgements", round, killAfter)
		}
		if t.Failed() {
			t.FailNow()
		}

		srv = startServer(t, dir, crashServeArgs(data)...)
		base := "http://" + srv.addr
		for _, n := range l.plain {
			var tk struct {
				Number string `json:"number"`
			}
			api.getJSON(t, base, "/api/v1/tickets/"+n, &tk) // fails the test unless it is there
		}
		plainAcked = append(plainAcked, l.plain...)
		keys := make([]string, 0, len(l.sent))
		for k := range l.sent {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		allKeys = append(allKeys, keys...)
		outcomes := resolveAll(api, base, keys, l.cutOff)
		waits, finished := map[string]int{}, 0
		for _, k := range keys {
			o := outcomes[k]
			for _, w := range o.waits {
				waits[w]++
			}
			switch {
			case o.failure != "":
				status := "not acknowledged"
				if n, ok := l.acked[k]; ok {
					status = "acknowledged as " + n
				}
				t.Errorf("round %d: retry of %s (%s, cut off: %v) after the restart: %s", round, k, status, l.cutOff[k], o.failure)
				continue
			case l.acked[k] != "" && o.number != l.acked[k]:
				t.Errorf("round %d: %s was acknowledged as %s, its retry returned %s", round, k, l.acked[k], o.number)
			}
			if l.cutOff[k] {
				finished++
			}
			resolved[k] = o.number
		}
		t.Logf("round %d: killed after %d acknowledgements; %d requests with a key sent, %d acknowledged, %d cut off (%d retried to a ticket); %d acknowledged without a key; replies asking to wait: %v",
			round, killAfter, len(l.sent), len(l.acked), len(l.cutOff), finished, len(l.plain), waits)
		if t.Failed() {
			t.Logf("server log after the restart:\n%s", srv.log())
			t.FailNow()
		}
	}
	base := "http://" + srv.addr

	// Every key, from every round, still returns its ticket.
	for k, o := range resolveAll(api, base, allKeys, nil) {
		if o.failure != "" || o.number != resolved[k] {
			t.Errorf("final retry of %s: got %q (%s), want %s", k, o.number, o.failure, resolved[k])
		}
	}

	// Creates go on after the last crash. The numbers the crashes left
	// unused (claimed by creates that died before storing their ticket and
	// that no retry will use) are handed out to them first.
	var later []string
	for i := range 16 {
		later = append(later, fmt.Sprintf("later-%d", i))
	}
	for k, o := range resolveAll(api, base, later, nil) {
		if o.failure != "" {
			t.Errorf("create %s after the last restart: %s", k, o.failure)
		}
		resolved[k] = o.number
	}

	// No two keys share a ticket.
	byNumber := map[string]string{}
	for k, n := range resolved {
		if other, ok := byNumber[n]; ok {
			t.Errorf("%s and %s both map to %s", other, k, n)
		}
		byNumber[n] = k
	}

	// The tickets root opened are exactly the resolved ones: no key made a
	// second ticket. All are still new, so the open-ticket list has them.
	listed := listMine(t, api, base)
	for n, c := range listed {
		if c != 1 {
			t.Errorf("%s listed %d times", n, c)
		}
		if _, ok := byNumber[n]; !ok {
			t.Errorf("%s exists but no key resolved to it: a retried request created a second ticket", n)
		}
	}
	for n, k := range byNumber {
		if listed[n] == 0 {
			t.Errorf("%s (key %s) is not listed", n, k)
		}
	}

	// Each ticket has its history, starting with its creation.
	numbers := make([]string, 0, len(byNumber))
	for n := range byNumber {
		numbers = append(numbers, n)
	}
	slices.Sort(numbers)
	for _, n := range numbers {
		var tk struct {
			Number  string `json:"number"`
			History []struct {
				Seq  int64  `json:"seq"`
				Type string `json:"type"`
			} `json:"history"`
		}
		api.getJSON(t, base, "/api/v1/tickets/"+n, &tk)
		if tk.Number != n || len(tk.History) == 0 || tk.History[0].Type != "created" || tk.History[0].Seq != 1 {
			t.Errorf("%s: number %q, history %+v: want the created entry first", n, tk.Number, tk.History)
		}
	}

	// Every create without a key that was acknowledged is there, once.
	plainListed := listMine(t, plain, base)
	for _, n := range plainAcked {
		if plainListed[n] != 1 {
			t.Errorf("%s, acknowledged without a key, is listed %d times", n, plainListed[n])
		}
	}

	// Numbers are gap-free across crashes: a number handed out to a create
	// that died before storing its ticket is handed out again after the
	// restart, so with creates going on the numbers are exactly 1..N.
	all := maps.Clone(plainListed)
	for n := range byNumber {
		all[n]++
	}
	if len(numbers) > 0 {
		prefix := numbers[0][:strings.LastIndex(numbers[0], "-")+1]
		var gaps []string
		for i := 1; i <= len(all); i++ {
			if all[fmt.Sprintf("%s%06d", prefix, i)] != 1 {
				gaps = append(gaps, strconv.Itoa(i))
			}
		}
		if len(gaps) > 0 {
			t.Errorf("%d tickets, but numbers %v are missing: a crash lost them", len(all), gaps)
		}
	}
	t.Logf("%d keys, %d tickets with a key, %d without (%d acknowledged); %d numbers reused after the last crash",
		len(resolved), len(numbers), len(plainListed), len(plainAcked), strings.Count(srv.log(), "number reused"))

	if err := srv.stop(t); err != nil {
		t.Fatalf("exit after SIGINT: %v\n%s", err, srv.log())
	}

	// The store holds exactly these tickets, each with an intact history
	// chain.
	cmd := exec.Command(binary(t), "audit", "verify", "--data", data)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("vorgang audit verify: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	if want := fmt.Sprintf("ok: the history of %d tickets is intact", len(all)); !strings.Contains(stdout.String(), want) {
		t.Errorf("vorgang audit verify: %q, want %q", strings.TrimSpace(stdout.String()), want)
	}
}
