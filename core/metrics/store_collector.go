package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	openDesc = prometheus.NewDesc("vorgang_open_tickets", "Open tickets, per team and state.", []string{"team", "state"}, nil)
	// Done items are not counted: they are the bulk of the outbox and say
	// nothing about its health.
	outboxDesc = prometheus.NewDesc("vorgang_outbox_items", "Queued work not done, per kind (mail, notify, webhook, ...) and state (pending, claimed, failed).",
		[]string{"kind", "state"}, nil)
	outboxAgeDesc = prometheus.NewDesc("vorgang_outbox_oldest_age_seconds", "Age of the oldest item not done, per kind and state.",
		[]string{"kind", "state"}, nil)
	scrapeErrorDesc = prometheus.NewDesc("vorgang_store_scrape_errors", "1 when the last scrape could not read the store.", nil, nil)
	scrapeTimeDesc  = prometheus.NewDesc("vorgang_store_scrape_seconds", "Time the last scrape took to read the store.", nil, nil)
)

// storeCollector reads the store at each scrape.
type storeCollector struct {
	src Source
	now func() time.Time
	log *slog.Logger
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- openDesc
	ch <- outboxDesc
	ch <- outboxAgeDesc
	ch <- scrapeErrorDesc
	ch <- scrapeTimeDesc
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	start := time.Now()
	failed := 0.0
	counts, err := c.src.Counts(ctx)
	if err != nil {
		failed = 1
		c.log.Warn("metrics: open tickets not read", "error", err)
	}
	open := map[[2]string]float64{}
	for _, n := range counts {
		open[[2]string{n.Team, n.State}] += float64(n.N)
	}
	for k, n := range open {
		ch <- prometheus.MustNewConstMetric(openDesc, prometheus.GaugeValue, n, k[0], k[1])
	}
	outbox, err := c.src.OutboxCounts(ctx)
	if err != nil {
		failed = 1
		c.log.Warn("metrics: outbox not read", "error", err)
	}
	now := c.now()
	for _, o := range outbox {
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(o.N), o.Kind, o.State)
		if !o.Oldest.IsZero() {
			ch <- prometheus.MustNewConstMetric(outboxAgeDesc, prometheus.GaugeValue, now.Sub(o.Oldest).Seconds(), o.Kind, o.State)
		}
	}
	ch <- prometheus.MustNewConstMetric(scrapeErrorDesc, prometheus.GaugeValue, failed)
	ch <- prometheus.MustNewConstMetric(scrapeTimeDesc, prometheus.GaugeValue, time.Since(start).Seconds())
}
