package scenario

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/ticket"
)

// Result is the outcome of one scenario. Failures is empty when it passed;
// each failure is one line, path:line:col: message.
type Result struct {
	Name     string
	Failures []string
	Duration time.Duration
}

// Options configure a run.
type Options struct {
	// Logger receives the log of the services (default: nothing).
	Logger *slog.Logger
	// Definitions reads and compiles the definitions in a folder, for
	// steps that switch to them; nil: such steps fail.
	Definitions func(dir string) (*definition.Catalog, error)
}

// Run runs every scenario of the suite against the catalog, each on a
// fresh store.
func (s *Suite) Run(ctx context.Context, cat *definition.Catalog, opts Options) []Result {
	out := make([]Result, 0, len(s.Scenarios))
	for i := range s.Scenarios {
		out = append(out, s.RunScenario(ctx, cat, i, opts))
	}
	return out
}

// RunScenario runs the suite's i-th scenario.
func (s *Suite) RunScenario(ctx context.Context, cat *definition.Catalog, i int, opts Options) Result {
	sc := &s.Scenarios[i]
	start := time.Now()
	res := Result{Name: sc.Name}
	log := opts.Logger
	if log == nil {
		log = discard
	}
	fail := func(pos Pos, format string, args ...any) {
		res.Failures = append(res.Failures, fmt.Sprintf("%s:%d:%d: %s", s.Path, pos.Line, pos.Col, fmt.Sprintf(format, args...)))
	}
	w, err := newWorld(ctx, cat, sc.Clock, log)
	if err != nil {
		fail(sc.Pos, "%v", err)
		return res
	}
	defer w.close()
	if err := w.populate(ctx, s); err != nil {
		fail(sc.Pos, "%v", err)
		return res
	}
	r := &runner{w: w, names: map[string]string{}, dir: filepath.Dir(s.Path), definitions: opts.Definitions, tested: cat}
	for n := range sc.Steps {
		st := &sc.Steps[n]
		before := len(res.Failures)
		r.step(ctx, st, func(pos Pos, format string, args ...any) {
			fail(pos, "step %d (%s): %s", n+1, st.Action(), fmt.Sprintf(format, args...))
		})
		if len(res.Failures) > before {
			// Later steps build on this one: their failures would only
			// repeat it.
			break
		}
	}
	res.Duration = time.Since(start)
	return res
}

// runner carries what steps share: the tickets named so far and the
// ticket the last step touched.
type runner struct {
	w     *world
	names map[string]string // name → ticket number
	last  string
	// dir is the test file's folder; definitions reads the definitions of
	// a folder (Options.Definitions).
	dir         string
	definitions func(dir string) (*definition.Catalog, error)
	// tested is the definitions under test, which "definitions: current"
	// switches back to.
	tested *definition.Catalog
	// mails counts the messages of mail_in steps, for their Message-IDs.
	mails int
}

type failFunc func(pos Pos, format string, args ...any)

func (r *runner) step(ctx context.Context, st *Step, fail failFunc) {
	w := r.w
	if st.Clock != nil {
		w.clock.Set(*st.Clock)
	}
	if st.Advance != 0 {
		w.clock.Set(w.clock.Now().Add(st.Advance))
	}
	number := r.last
	if st.Ticket != "" {
		number = r.resolve(st.Ticket)
	}
	// Notifications and mails queued before this step are not its own.
	if _, err := w.newNotifications(ctx); err != nil {
		fail(st.Pos, "%v", err)
		return
	}
	if _, err := w.newMails(ctx); err != nil {
		fail(st.Pos, "%v", err)
		return
	}
	var actErr error
	acted := true
	switch {
	case st.Open != "":
		actErr = r.open(ctx, st, &number)
	case st.Run != "":
		actErr = r.act(ctx, st, number, func(p actor) error {
			_, err := w.eng.Transition(ctx, p, number, engine.TransitionRequest{Transition: st.Run, Data: st.Data, Comment: st.Comment})
			return err
		})
	case st.Decide != "":
		actErr = r.act(ctx, st, number, func(p actor) error {
			_, err := w.eng.Decide(ctx, p, number, 0, st.Decide == "approve", st.Reason, "de")
			return err
		})
	case st.Comment != "":
		actErr = r.act(ctx, st, number, func(p actor) error {
			if p == nil {
				return r.citizenReply(ctx, number, st.Comment)
			}
			_, err := w.eng.Comment(ctx, p, number, 0, st.Comment, st.Internal, "de")
			return err
		})
	case st.Assign != nil:
		actErr = r.act(ctx, st, number, func(p actor) error {
			_, err := w.eng.Assign(ctx, p, number, 0, *st.Assign, "de")
			return err
		})
	case st.Job != "":
		process, job, _ := strings.Cut(st.Job, "/")
		var ran bool
		ran, actErr = w.eng.RunJob(ctx, w.store, "scenario", process, job, w.clock.Now())
		if actErr == nil && !ran {
			actErr = fmt.Errorf("the job did not run (it ran for %s already)", w.clock.Now().Format(time.RFC3339))
		}
	case st.Definitions != "":
		actErr = r.switchDefinitions(ctx, st)
	case st.Retention:
		var rep engine.RetentionReport
		rep, actErr = w.eng.EnforceRetention(ctx, engine.RetentionRun{})
		if actErr == nil && rep.Failed > 0 {
			for _, a := range rep.Actions {
				if a.Err != nil {
					actErr = fmt.Errorf("retention rule %s on %s: %w", a.Rule, a.Ticket, a.Err)
					break
				}
			}
		}
	case st.MailIn != nil:
		actErr = r.mailIn(ctx, st, &number)
	default:
		acted = false
	}
	if acted {
		if !r.checkError(st, actErr, fail) {
			return
		}
	}
	if st.Open == "" && st.MailIn == nil && number != "" {
		r.last = number
	}
	if st.Expect == nil {
		return
	}
	queued, err := w.newNotifications(ctx)
	if err != nil {
		fail(st.Pos, "%v", err)
		return
	}
	mails, err := w.newMails(ctx)
	if err != nil {
		fail(st.Pos, "%v", err)
		return
	}
	if number == "" {
		fail(st.Pos, "no ticket to check: open one first or name one with 'ticket'")
		return
	}
	t, err := w.store.Ticket(ctx, number)
	if err != nil {
		fail(st.Pos, "ticket %s: %v", number, err)
		return
	}
	r.check(ctx, st.Expect, t, queued, fail)
	checkMails(st.Expect, mails, fail)
}

// actor is who acts; nil is a citizen without an account.
type actor = *auth.Principal

func (r *runner) act(ctx context.Context, st *Step, number string, do func(actor) error) error {
	if number == "" {
		return errNoTicket
	}
	p, err := r.w.principal(ctx, st.As)
	if err != nil {
		return errSetup{err}
	}
	return do(p)
}

var errNoTicket = errSetup{errors.New("no ticket to act on: open one first or name one with 'ticket'")}

// errSetup is a mistake in the scenario itself, never an expected error.
type errSetup struct{ err error }

func (e errSetup) Error() string { return e.err.Error() }

func (r *runner) open(ctx context.Context, st *Step, number *string) error {
	p, err := r.w.principal(ctx, st.As)
	if err != nil {
		return errSetup{err}
	}
	var t *ticket.Ticket
	if proc := r.w.catalog().Process(st.Open); proc != nil && proc.FollowUp != nil && st.Ticket != "" {
		// A follow-up is opened through the tracking link of the ticket
		// the step names, as its citizen does.
		request, rerr := r.storeTicket(ctx, r.resolve(st.Ticket))
		if rerr != nil {
			return errSetup{fmt.Errorf("ticket %s: %w", st.Ticket, rerr)}
		}
		t, err = r.w.eng.FollowUp(ctx, request.Tracking, st.Open, st.Data, "de")
	} else {
		t, err = r.w.eng.Create(ctx, p, engine.CreateRequest{Process: st.Open, Data: st.Data, Title: st.Title, Lang: "de"})
	}
	if err != nil {
		return err
	}
	*number = t.Number
	r.last = t.Number
	if st.Name != "" {
		r.names[st.Name] = t.Number
	}
	return nil
}

func (r *runner) resolve(ref string) string {
	if n, ok := r.names[ref]; ok {
		return n
	}
	return ref
}

// checkError compares the step's outcome with the error it expects; it
// reports whether the step may go on to its expectations.
func (r *runner) checkError(st *Step, err error, fail failFunc) bool {
	var setup errSetup
	if errors.As(err, &setup) {
		fail(st.Pos, "%v", setup.err)
		return false
	}
	want := st.Error
	if want == nil {
		if err != nil {
			fail(st.Pos, "unexpected error: %v", describe(err))
			return false
		}
		return true
	}
	if err == nil {
		fail(st.Pos, "expected error %s, but the step succeeded", want.Code)
		return false
	}
	got := errorCode(err)
	refusal := engine.AsRefusal(err)
	if refusal != nil {
		// A kind matches every refusal of that kind; a reason code only
		// itself.
		if want.Code != got && want.Code != refusal.Code {
			fail(st.Pos, "error: want %s, got %s (%s): %v", want.Code, got, refusal.Code, describe(err))
			return false
		}
		if msg := paramMismatch(want.Params, refusal.Params); msg != "" {
			fail(st.Pos, "error %s: %s: %v", refusal.Code, msg, describe(err))
			return false
		}
	} else if got != want.Code {
		fail(st.Pos, "error: want %s, got %s: %v", want.Code, got, describe(err))
		return false
	}
	if len(want.Fields) > 0 {
		var fields []string
		for _, f := range fault.FieldsOf(err) {
			fields = append(fields, f.Field)
		}
		if strings.Join(fields, ",") != strings.Join(want.Fields, ",") {
			fail(st.Pos, "error fields: want [%s], got [%s]: %v", strings.Join(want.Fields, " "), strings.Join(fields, " "), describe(err))
			return false
		}
	}
	if want.Message != "" && !strings.Contains(describe(err).Error(), want.Message) {
		fail(st.Pos, "error message: want it to contain %q, got %q", want.Message, describe(err).Error())
		return false
	}
	return true
}

// errorCode names an engine error the way the API does: by the code of
// its kind, or its own code unless that is a refusal's reason (which a
// scenario may name instead of the kind).
func errorCode(err error) string {
	code := fault.Code(err)
	switch {
	case code == "":
		return "error"
	case engine.IsReasonCode(code):
		return string(fault.KindOf(err))
	}
	return code
}

// citizenReply writes text on the ticket through its tracking link, as
// its citizen does on the tracking page (or by mail).
func (r *runner) citizenReply(ctx context.Context, number, text string) error {
	t, err := r.storeTicket(ctx, number)
	if err != nil {
		return errSetup{fmt.Errorf("ticket %s: %w", number, err)}
	}
	if t.Tracking == "" {
		return errSetup{fmt.Errorf("ticket %s has no tracking link: a citizen cannot reply to it", number)}
	}
	_, err = r.w.eng.CitizenReply(ctx, t.Tracking, 0, text, nil, "de")
	return err
}

// storeTicket reads a ticket without permission checks.
func (r *runner) storeTicket(ctx context.Context, number string) (*ticket.Ticket, error) {
	return r.w.store.Ticket(ctx, number)
}

// paramMismatch compares the parameters a scenario expects of a refusal
// with those it carries: each expected one must be there with the same
// value (lists in the same order). It returns what differs, or "".
func paramMismatch(want, got map[string]any) string {
	for _, k := range sortedKeys(want) {
		g, ok := got[k]
		if !ok {
			return fmt.Sprintf("param %s: want %s, got none (the refusal has %s)", k, paramText(want[k]), strings.Join(sortedKeys(got), ", "))
		}
		if paramText(want[k]) != paramText(g) {
			return fmt.Sprintf("param %s: want %s, got %s", k, paramText(want[k]), paramText(g))
		}
	}
	return ""
}

// paramText writes a parameter value the same way whether it came from
// YAML or from the engine: scalars as text, lists as [a b].
func paramText(v any) string {
	switch x := v.(type) {
	case []string:
		return "[" + strings.Join(x, " ") + "]"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return fmt.Sprint(v)
}

// switchDefinitions switches to the definitions in a folder, or back to
// those under test ("current"), as a server's reload does: it refuses
// definitions that would strand open tickets (error "stranded"), swaps
// them in and applies their migrations.
func (r *runner) switchDefinitions(ctx context.Context, st *Step) error {
	next := r.tested
	if st.Definitions != "current" {
		if r.definitions == nil {
			return errSetup{fmt.Errorf("this run cannot read other definitions")}
		}
		var err error
		if next, err = r.definitions(filepath.Join(r.dir, filepath.FromSlash(st.Definitions))); err != nil {
			return errSetup{err}
		}
	}
	stranded, err := r.w.eng.Strands(ctx, r.w.catalog(), next)
	if err != nil {
		return err
	}
	if len(stranded) > 0 {
		var n int64
		for _, s := range stranded {
			n += s.Tickets
		}
		return fault.Coded(fault.NotAllowedNow, codeStranded, fmt.Sprintf("the definitions in %s would strand %d open tickets (%s)", st.Definitions, n, stranded[0]))
	}
	// Recorded as a server records what it serves, so a migration written
	// for the version replaced (from) applies as it would there.
	for _, c := range []*definition.Catalog{r.w.catalog(), next} {
		if err := r.w.store.MarkServed(ctx, c.Hash(), r.w.clock.Now()); err != nil {
			return err
		}
	}
	r.w.cat.Store(next)
	_, _, err = r.w.app.Migrate(ctx)
	return err
}
