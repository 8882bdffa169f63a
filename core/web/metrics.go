package web

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/metrics"
)

// NewMetricsServer returns the server of the metrics address
// (--metrics-addr): GET /metrics in Prometheus text format and nothing
// else. It is kept apart from the pages so the metrics, which name teams
// and processes, can be bound to an address only monitoring reaches.
func NewMetricsServer(m *metrics.Metrics) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true, AppName: "vorgang metrics"})
	app.Get("/metrics", func(c *fiber.Ctx) error {
		var buf bytes.Buffer
		if err := m.Write(&buf); err != nil {
			return fiber.NewError(fiber.StatusInternalServerError, err.Error())
		}
		c.Set(fiber.HeaderContentType, metrics.ContentType)
		return c.Send(buf.Bytes())
	})
	return app
}
