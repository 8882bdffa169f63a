package webkit

// Reasons /healthz gives for an unreachable store; the OpenAPI document
// lists them. The raw error is logged, not sent: it may name hosts, files
// or credentials.
const (
	ReasonNotConfigured = "not_configured"
	ReasonTimeout       = "timeout"
	ReasonPingFailed    = "ping_failed"
	ReasonDiskFull      = "disk_full"
	ReasonWriteFailed   = "write_failed"
)
