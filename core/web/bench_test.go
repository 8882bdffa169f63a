package web_test

// BenchmarkAPI measures the JSON API over real HTTP on loopback: the app
// with the engine, auth and the embedded store, the shipped IT desk, and N
// seeded tickets (20% open). Seeding 100k tickets takes minutes, so a
// seeded folder can be kept and reused:
//
//	go test ./core/web -run '^$' -bench BenchmarkAPI -benchtime 1x \
//	    -api.tickets 100000 -api.dir /tmp/vorgang-api-100k
//
// Each run works on a copy of the seeded folder, so runs do not change it.
// docs/benchmarks.md records the figures.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
	"vorgang/core/ticket"
	"vorgang/core/web"
)

var (
	apiTickets = flag.Int("api.tickets", 10_000, "tickets seeded for BenchmarkAPI")
	apiDir     = flag.String("api.dir", "", "data folder for BenchmarkAPI; reused when already seeded with -api.tickets")
	apiOps     = flag.Int("api.ops", 500, "requests measured per latency benchmark")
	apiCreates = flag.Int("api.creates", 2000, "tickets created per create benchmark, spread over the clients")
	apiClients = flag.Int("api.clients", 8, "concurrent clients of the create benchmarks")
	apiSeed    = flag.Uint64("api.seed", 1, "random seed")
	// Rounds of creates on one store show whether a create gets dearer as
	// the store fills (each round adds -api.creates tickets).
	apiRounds = flag.Int("api.rounds", 1, "rounds of -api.creates creates per create benchmark, on the same store; each round is logged, the last reported")
	// A machine busy with other work can starve a hook past its usual
	// limit; a longer one keeps such a run from failing.
	apiScriptTimeout = flag.Duration("api.script-timeout", 0, "time limit of a hook call; 0: the default")
)

// apiBenchIncident is the form data every created ticket carries.
const apiBenchIncident = `{"process":"it-incident","data":{"summary":"Drucker im Raum 204 druckt nicht","category":"printer","impact":"single","urgency":"low","location":"rathaus"}}`

// benchCatalog compiles the shipped desks.
func benchCatalog(b *testing.B) *definition.Catalog {
	b.Helper()
	return testkit.Desks(b)
}

// benchIncident is seeded ticket i: an IT incident as the shipped desk
// makes them, with the history entries its state implies.
func benchIncident(i int, year int, catalog string, rng *rand.Rand, now time.Time) (*ticket.Ticket, []any) {
	number := fmt.Sprintf("INC-%d-%06d", year, i+1)
	impact := []string{"single", "some", "many"}[rng.IntN(3)]
	urgency := []string{"low", "medium", "high"}[rng.IntN(3)]
	category := []string{"workstation", "printer", "software", "network", "phone", "other"}[rng.IntN(6)]
	data := map[string]any{
		"summary":     fmt.Sprintf("Störung %d: Drucker im Raum %d druckt nicht", i, 100+rng.IntN(400)),
		"description": "Seit heute früh kommt beim Drucken die Meldung „Papierstau“, obwohl kein Papier klemmt. Neustart hat nicht geholfen.",
		"category":    category,
		"impact":      impact,
		"urgency":     urgency,
		"location":    []string{"rathaus", "moritzhof", "technisches_rathaus", "aussenstelle_nord"}[rng.IntN(4)],
		"room":        strconv.Itoa(100 + rng.IntN(400)),
	}
	if category == "software" {
		data["application"] = "OK.VORGANG"
	}
	prio := map[string]map[string]string{
		"many":   {"high": "critical", "medium": "high", "low": "medium"},
		"some":   {"high": "high", "medium": "medium", "low": "low"},
		"single": {"high": "medium", "medium": "low", "low": "low"},
	}[impact][urgency]
	created := now.Add(-time.Duration(rng.IntN(300*24)) * time.Hour)
	t := &ticket.Ticket{
		Number: number, Process: "it-incident", Catalog: catalog,
		Title: data["summary"].(string), Priority: prio,
		Requester: "user" + strconv.Itoa(rng.IntN(4000)),
		Created:   created, Updated: created, Data: data,
	}
	agent := "agent" + strconv.Itoa(rng.IntN(60))
	var types []string
	if i%5 == 0 { // 20% open
		t.State = []string{"new", "in_progress", "waiting", "second_level"}[rng.IntN(4)]
		t.Category, t.Open, t.Team = "open", true, "it-1st-level"
		t.Due = ticket.SortTime(now.Add(time.Duration(rng.IntN(30*24)-24) * time.Hour))
		switch t.State {
		case "new":
			types = []string{"created"}
		case "in_progress":
			t.Assignee, types = agent, []string{"created", "transition"}
		case "waiting":
			t.Assignee, types = agent, []string{"created", "transition", "transition"}
		case "second_level":
			t.Team, types = "it-2nd-level", []string{"created", "transition"}
		}
		if t.State != "new" && rng.IntN(2) == 0 {
			t.Team = "it-2nd-level"
		}
	} else {
		t.State, t.Category, t.Open, t.Due = "closed", "closed", false, ticket.NoDue
		t.Team = []string{"it-1st-level", "it-2nd-level"}[rng.IntN(2)]
		t.Assignee = agent
		types = []string{"created", "transition", "comment", "transition", "transition"}
	}
	hist := make([]any, len(types))
	prev := ""
	for k, typ := range types {
		seq := int64(k + 1)
		at := created.Add(time.Duration(k) * time.Hour)
		actor, d := agent, map[string]any{}
		switch typ {
		case "created":
			actor, d = t.Requester, map[string]any{"state": "new", "priority": prio, "team": "it-1st-level", "data": data}
		case "transition":
			d = map[string]any{"transition": "start", "from": "new", "to": "in_progress"}
		case "comment":
			d = map[string]any{"text": "Toner getauscht, bitte erneut versuchen.", "internal": false}
		}
		// A hash of the right size; the chain itself is the engine's
		// business and not read on these paths.
		sum := sha256.Sum256([]byte(number + strconv.Itoa(k) + prev))
		hash := hex.EncodeToString(sum[:])
		hist[k] = ticket.HistoryEntry{ID: store.HistoryID(number, seq), Ticket: number, Seq: seq, At: at,
			Actor: actor, Type: typ, Data: d, PrevHash: prev, Hash: hash}
		prev = hash
		t.Updated = at
	}
	t.Version, t.HistoryHash = int64(len(types)), prev
	return t, hist
}

// seedAPIBench fills st with n tickets of this year unless the folder
// already holds them.
func seedAPIBench(b *testing.B, st *store.Store, cat *definition.Catalog, n int) {
	ctx := context.Background()
	db := st.DB()
	var marker struct {
		N int `bson:"n"`
	}
	err := db.Collection("bench_api").FindOne(ctx, bson.M{"_id": "seed"}).Decode(&marker)
	if err == nil && marker.N == n {
		return
	}
	rng := rand.New(rand.NewPCG(*apiSeed, 2))
	now := time.Now()
	start := now
	const batch = 500
	for i := 0; i < n; i += batch {
		var tickets, history []any
		for j := i; j < min(i+batch, n); j++ {
			tk, h := benchIncident(j, now.Year(), cat.Hash(), rng, now)
			tickets = append(tickets, tk)
			history = append(history, h...)
		}
		if _, err := db.Collection(store.HistoryCollection).InsertMany(ctx, history); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Collection(store.TicketsCollection).InsertMany(ctx, tickets); err != nil {
			b.Fatal(err)
		}
	}
	// The number counter's hint (see store.NextNumber): new tickets of the
	// year continue after the seeded ones.
	scope := fmt.Sprintf("it-incident/%d", now.Year())
	if _, err := db.Collection("counters").UpdateOne(ctx, bson.M{"_id": scope}, bson.M{"$set": bson.M{"last": int64(n)}}, options.Update().SetUpsert(true)); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Collection("bench_api").InsertOne(ctx, bson.M{"_id": "seed", "n": n}); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d tickets in %s", n, time.Since(start).Round(time.Second))
}

// benchClient sends requests to the served app as one user.
type benchClient struct {
	http  *http.Client
	base  string
	token string
}

// do sends one request and decodes the reply into out (when not nil); a
// status other than want is an error.
func (c *benchClient) do(method, path, body string, want int, out any, headers ...string) error {
	var r io.Reader
	if body != "" {
		r = bytes.NewReader([]byte(body))
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

type apiLatencies []time.Duration

func (l apiLatencies) pct(p float64) float64 {
	s := append(apiLatencies(nil), l...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return float64(s[int(float64(len(s)-1)*p)].Microseconds()) / 1000
}

// reportCPU reports the CPU time of the whole process (server, clients
// and embedded database) per ticket created.
func reportCPU(b *testing.B, cpu time.Duration, tickets int) {
	if tickets > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(tickets), "cpu-ms/ticket")
	}
}

func (l apiLatencies) report(b *testing.B) {
	b.ReportMetric(l.pct(0.50), "p50-ms")
	b.ReportMetric(l.pct(0.95), "p95-ms")
	b.ReportMetric(l.pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

// measureAPI runs op ops times one after the other, after a few unmeasured
// warm-up calls.
func measureAPI(b *testing.B, ops int, op func(i int) error) apiLatencies {
	b.Helper()
	for i := 0; i < 10; i++ {
		if err := op(-1 - i); err != nil {
			b.Fatal(err)
		}
	}
	out := make(apiLatencies, 0, ops)
	for i := 0; i < ops; i++ {
		start := time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		out = append(out, time.Since(start))
	}
	return out
}

type createdTicket struct {
	Number string `json:"number"`
}

// createMany opens total tickets with clients concurrent clients and
// returns their numbers, each request's latency and the wall time.
func createMany(c *benchClient, clients, total int, keyPrefix string) ([]string, apiLatencies, time.Duration, error) {
	keyed := func(int) bool { return keyPrefix != "" }
	numbers, plain, withKey, wall, err := createSplit(c, clients, total, keyPrefix, keyed)
	return numbers, append(plain, withKey...), wall, err
}

// createSplit creates total tickets over clients concurrent clients, the
// clients keyed says so sending an Idempotency-Key (keyPrefix and the
// create's index). The clients share the total, so a kind of create that
// falls behind the other makes fewer of them. It returns the numbers, the
// latencies of keyless and of keyed creates, and the wall time.
func createSplit(c *benchClient, clients, total int, keyPrefix string, keyed func(client int) bool) ([]string, apiLatencies, apiLatencies, time.Duration, error) {
	var mu sync.Mutex
	var numbers []string
	var plain, withKey apiLatencies
	var firstErr error
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for client := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				var headers []string
				if keyed(client) {
					headers = []string{"Idempotency-Key", keyPrefix + strconv.Itoa(i)}
				}
				var out createdTicket
				t0 := time.Now()
				err := c.do(http.MethodPost, "/api/v1/tickets", apiBenchIncident, http.StatusCreated, &out, headers...)
				d := time.Since(t0)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				numbers = append(numbers, out.Number)
				if headers != nil {
					withKey = append(withKey, d)
				} else {
					plain = append(plain, d)
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < total; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return numbers, plain, withKey, time.Since(start), firstErr
}

func BenchmarkAPI(b *testing.B) {
	dir := *apiDir
	if dir == "" {
		dir = b.TempDir()
	}
	n := *apiTickets
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cat := benchCatalog(b)
	catalog := func() *definition.Catalog { return cat }

	open := func(dir string) *store.Store {
		st, err := store.Open(ctx, store.Config{DataDir: dir, Logger: quiet, Collections: append(auth.Schema(), engine.Schema()...)})
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	st := open(dir)
	seedAPIBench(b, st, cat, n)
	if *apiDir != "" {
		// Run on a copy, so that the tickets a run creates do not pile up
		// in the seeded folder and every run starts from the same data.
		if err := st.Close(ctx); err != nil {
			b.Fatal(err)
		}
		dir = b.TempDir()
		testkit.CopyDir(b, *apiDir, dir)
		st = open(dir)
	}
	defer st.Close(ctx)

	authn, err := auth.New(auth.Config{Store: st, Catalog: catalog, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	eng, err := engine.New(engine.Deps{Store: st, Catalog: catalog, Logger: quiet, ScriptTimeout: *apiScriptTimeout})
	if err != nil {
		b.Fatal(err)
	}
	tokens := map[string]string{}
	for _, u := range []auth.NewUser{
		{Name: "root", Roles: []string{"admin"}},
		{Name: "ben", Teams: []string{"it-1st-level"}},
		{Name: "carla", Teams: []string{"it-2nd-level"}},
	} {
		if _, err := authn.CreateUser(ctx, u); err != nil && !errors.Is(err, auth.ErrUserExists) {
			b.Fatal(err)
		}
		secret, _, err := authn.CreateToken(ctx, u.Name, "benchmark", time.Now().Add(time.Hour))
		if err != nil {
			b.Fatal(err)
		}
		tokens[u.Name] = secret
	}

	app := web.New(web.Deps{Logger: quiet, Store: st, API: &web.APIDeps{Engine: eng, Auth: authn, Catalog: catalog}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	defer func() { _ = app.ShutdownWithContext(ctx) }()

	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	defer transport.CloseIdleConnections()
	client := func(user string) *benchClient {
		return &benchClient{http: &http.Client{Transport: transport, Timeout: time.Minute}, base: "http://" + ln.Addr().String(), token: tokens[user]}
	}
	root, ben, carla := client("root"), client("ben"), client("carla")
	rng := rand.New(rand.NewPCG(*apiSeed, 3))
	ops := *apiOps
	run := strconv.FormatInt(time.Now().UnixNano(), 36)

	createBench := func(keyed bool) func(b *testing.B) {
		return func(b *testing.B) {
			prefix := ""
			if keyed {
				prefix = "bench-" + run + "-"
			}
			for round := range *apiRounds {
				keys := prefix
				if keyed {
					keys += strconv.Itoa(round) + "-"
				}
				cpu := testkit.CPUTime()
				_, lat, wall, err := createMany(root, *apiClients, *apiCreates, keys)
				if err != nil {
					b.Fatal(err)
				}
				used := testkit.CPUTime() - cpu
				if *apiRounds > 1 {
					b.Logf("round %d: %.3f cpu-ms/ticket, %.0f tickets/s, p99 %.1f ms", round+1,
						float64(used.Microseconds())/1000/float64(len(lat)), float64(len(lat))/wall.Seconds(), lat.pct(0.99))
				}
				reportCPU(b, used, len(lat))
				b.ReportMetric(float64(len(lat))/wall.Seconds(), "tickets/s")
				lat.report(b)
			}
		}
	}
	b.Run("create", createBench(false))
	b.Run("create-idempotent", createBench(true))
	b.Run("create-mixed", func(b *testing.B) {
		// Half the clients send an Idempotency-Key, half do not, all at
		// once: neither kind may starve the other.
		for round := range *apiRounds {
			keys := "mixed-" + run + "-" + strconv.Itoa(round) + "-"
			cpu := testkit.CPUTime()
			_, plain, keyed, wall, err := createSplit(root, *apiClients, *apiCreates, keys, func(client int) bool { return client%2 == 1 })
			if err != nil {
				b.Fatal(err)
			}
			used := testkit.CPUTime() - cpu
			all := len(plain) + len(keyed)
			if *apiRounds > 1 {
				b.Logf("round %d: %.0f keyless/s p99 %.1f ms, %.0f keyed/s p99 %.1f ms", round+1,
					float64(len(plain))/wall.Seconds(), plain.pct(0.99), float64(len(keyed))/wall.Seconds(), keyed.pct(0.99))
			}
			reportCPU(b, used, all)
			b.ReportMetric(float64(all)/wall.Seconds(), "tickets/s")
			b.ReportMetric(float64(len(plain))/wall.Seconds(), "keyless/s")
			b.ReportMetric(float64(len(keyed))/wall.Seconds(), "keyed/s")
			b.ReportMetric(plain.pct(0.99), "keyless-p99-ms")
			b.ReportMetric(keyed.pct(0.99), "keyed-p99-ms")
			b.ReportMetric(0, "ns/op")
		}
	})
	b.Run("create-in-process", func(b *testing.B) {
		// The same creates without HTTP and authentication: engine and
		// store alone, with as many goroutines as clients.
		actor, err := authn.AuthenticateToken(ctx, tokens["root"])
		if err != nil {
			b.Fatal(err)
		}
		var req struct {
			Process string         `json:"process"`
			Data    map[string]any `json:"data"`
		}
		if err := json.Unmarshal([]byte(apiBenchIncident), &req); err != nil {
			b.Fatal(err)
		}
		var mu sync.Mutex
		var lat apiLatencies
		next := make(chan int)
		var wg sync.WaitGroup
		start, cpu := time.Now(), testkit.CPUTime()
		for range *apiClients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range next {
					t0 := time.Now()
					_, err := eng.Create(ctx, actor, engine.CreateRequest{Process: req.Process, Data: req.Data})
					d := time.Since(t0)
					if err != nil {
						b.Error(err)
					}
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			}()
		}
		for i := 0; i < *apiCreates; i++ {
			next <- i
		}
		close(next)
		wg.Wait()
		reportCPU(b, testkit.CPUTime()-cpu, len(lat))
		b.ReportMetric(float64(len(lat))/time.Since(start).Seconds(), "tickets/s")
		lat.report(b)
	})
	b.Run("next-number", func(b *testing.B) {
		// The number alone, one caller: what every create spends under the
		// per-scope lock. A scope of its own, so the desk's numbers stay
		// gap-free.
		scope := "bench-" + run
		measureAPI(b, ops, func(int) error {
			_, err := st.NextNumber(ctx, scope)
			return err
		}).report(b)
	})
	b.Run("transition", func(b *testing.B) {
		// A fresh ticket per operation: `start` from new, as the agent on
		// first-level duty does it.
		numbers, _, _, err := createMany(root, *apiClients, ops+10, "")
		if err != nil {
			b.Fatal(err)
		}
		report := measureAPI(b, ops, func(i int) error {
			var out struct {
				State string `json:"state"`
			}
			err := ben.do(http.MethodPost, "/api/v1/tickets/"+numbers[i+10]+"/transitions/start", `{"version":1}`, http.StatusOK, &out)
			if err == nil && out.State != "in_progress" {
				err = fmt.Errorf("start %s: state %q", numbers[i+10], out.State)
			}
			return err
		})
		report.report(b)
	})
	b.Run("inbox", func(b *testing.B) {
		measureAPI(b, ops, func(int) error {
			c, team := ben, "it-1st-level"
			if rng.IntN(2) == 0 {
				c, team = carla, "it-2nd-level"
			}
			var out struct {
				Tickets []json.RawMessage `json:"tickets"`
			}
			err := c.do(http.MethodGet, "/api/v1/tickets?team="+team+"&limit=50", "", http.StatusOK, &out)
			if err == nil && len(out.Tickets) != 50 && n >= 10_000 {
				err = fmt.Errorf("inbox %s returned %d rows", team, len(out.Tickets))
			}
			return err
		}).report(b)
	})
	b.Run("get", func(b *testing.B) {
		measureAPI(b, ops, func(int) error {
			number := fmt.Sprintf("INC-%d-%06d", time.Now().Year(), 1+rng.IntN(n))
			var out struct {
				History []json.RawMessage `json:"history"`
			}
			err := root.do(http.MethodGet, "/api/v1/tickets/"+number, "", http.StatusOK, &out)
			if err == nil && len(out.History) == 0 {
				err = fmt.Errorf("%s has no history", number)
			}
			return err
		}).report(b)
	})
	b.Run("get-40-entries", func(b *testing.B) {
		// A long-running ticket: created, then 39 comments.
		numbers, _, _, err := createMany(root, 1, 1, "")
		if err != nil {
			b.Fatal(err)
		}
		for i := 1; i < 40; i++ {
			if err := ben.do(http.MethodPost, "/api/v1/tickets/"+numbers[0]+"/comments", `{"text":"Rückfrage beim Hersteller läuft, Ersatzteil bestellt."}`, http.StatusCreated, nil); err != nil {
				b.Fatal(err)
			}
		}
		measureAPI(b, ops, func(int) error {
			var out struct {
				History []json.RawMessage `json:"history"`
			}
			err := root.do(http.MethodGet, "/api/v1/tickets/"+numbers[0], "", http.StatusOK, &out)
			if err == nil && len(out.History) != 40 {
				err = fmt.Errorf("%s has %d history entries, want 40", numbers[0], len(out.History))
			}
			return err
		}).report(b)
	})
	// Best run alone (-bench BenchmarkAPI/disk): it divides the folder by
	// the seeded tickets and its own.
	b.Run("disk", benchDisk(ctx, st, eng, root, ben, n))
}
