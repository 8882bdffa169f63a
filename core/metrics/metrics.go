package metrics

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/common/expfmt"

	"vorgang/core/store"
	"vorgang/core/ticket"
)

// Source is what a scrape reads from the store; *store.Store implements it.
type Source interface {
	Counts(ctx context.Context) ([]store.Count, error)
	OutboxCounts(ctx context.Context) ([]store.OutboxCount, error)
}

// Metrics is safe for concurrent use. It implements engine.Observer.
type Metrics struct {
	reg *prometheus.Registry

	created      *prometheus.CounterVec
	changes      *prometheus.CounterVec
	sla          *prometheus.CounterVec
	hookDuration *prometheus.HistogramVec
	hookFailures *prometheus.CounterVec
	requests     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
}

// scrapeTimeout bounds the store reads of one scrape.
const scrapeTimeout = 5 * time.Second

// New makes the metrics; src is read at each scrape (nil: no store
// metrics), now gives the outbox's ages.
func New(src Source, now func() time.Time, log *slog.Logger) *Metrics {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.created = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vorgang_tickets_created_total",
		Help: "Tickets created, per process."}, []string{"process"})
	m.changes = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vorgang_ticket_changes_total",
		Help: "Changes stored on tickets, per process and kind of change (transition, comment, assigned, ...)."}, []string{"process", "change"})
	m.sla = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vorgang_sla_events_total",
		Help: "SLA warnings and breaches recorded, per process."}, []string{"process", "event"})
	m.hookDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vorgang_lua_hook_duration_seconds",
		Help: "Run time of Lua hooks and job scripts, per hook point.", Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}},
		[]string{"hook"})
	m.hookFailures = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vorgang_lua_hook_failures_total",
		Help: "Lua hooks and job scripts that failed (error, limit, timeout), per hook point and script."}, []string{"hook", "script"})
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vorgang_http_requests_total",
		Help: "HTTP requests answered, per route, method and status class."}, []string{"route", "method", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vorgang_http_request_duration_seconds",
		Help: "Time to answer HTTP requests, per route and method.", Buckets: prometheus.DefBuckets}, []string{"route", "method"})
	m.reg.MustRegister(m.created, m.changes, m.sla, m.hookDuration, m.hookFailures, m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if src != nil {
		m.reg.MustRegister(&storeCollector{src: src, now: now, log: log})
	}
	return m
}

// Committed counts a stored change (engine.Observer).
func (m *Metrics) Committed(t *ticket.Ticket, entry *ticket.HistoryEntry) {
	switch entry.Type {
	case ticket.EntryCreated:
		m.created.WithLabelValues(t.Process).Inc()
	case ticket.EntrySLAWarning:
		m.sla.WithLabelValues(t.Process, "warning").Inc()
	case ticket.EntrySLABreach:
		m.sla.WithLabelValues(t.Process, "breach").Inc()
	default:
		m.changes.WithLabelValues(t.Process, entry.Type).Inc()
	}
}

// HookRan records a hook's run time and failure (engine.Observer).
func (m *Metrics) HookRan(script, hook string, took time.Duration, err error) {
	m.hookDuration.WithLabelValues(hook).Observe(took.Seconds())
	if err != nil {
		m.hookFailures.WithLabelValues(hook, script).Inc()
	}
}

// Request records an answered HTTP request: route is the route's pattern
// (never the path itself, which would make a series per ticket).
func (m *Metrics) Request(route, method string, status int, took time.Duration) {
	m.requests.WithLabelValues(route, method, fmt.Sprintf("%dxx", status/100)).Inc()
	m.latency.WithLabelValues(route, method).Observe(took.Seconds())
}

// ContentType is the type of what Write writes.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Write gathers every metric and writes it in the text exposition format.
func (m *Metrics) Write(w io.Writer) error {
	families, err := m.reg.Gather()
	if err != nil {
		return fmt.Errorf("metrics: gather: %w", err)
	}
	enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range families {
		if err := enc.Encode(f); err != nil {
			return fmt.Errorf("metrics: write %s: %w", f.GetName(), err)
		}
	}
	return nil
}
