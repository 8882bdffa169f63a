package notify

import "context"

// Sender opens connections to a mail server; *SMTPSender is one.
type Sender interface {
	Open(ctx context.Context) (Conn, error)
}

// Conn delivers mails over one connection.
type Conn interface {
	// Send delivers msg from the envelope sender to one recipient. A
	// refusal of the recipient or message for good is a *PermanentError;
	// a refusal of the sender is a *ConfigError.
	Send(from, to string, msg []byte) error
	Close() error
}

// ConfigError is a delivery that failed for a reason of the configuration
// or of the server rather than of the mail: the server refuses the sender
// address, for instance. Such mails wait in the outbox, however often it
// happens, until the configuration works; they are never marked failed.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }
