package notify

import "context"

// Sender opens connections to a mail server; *SMTPSender is one.
type Sender interface {
	Open(ctx context.Context) (Conn, error)
}

// Conn delivers mails over one connection.
type Conn interface {
	// Send delivers msg from the envelope sender to one recipient. A
	// refusal for good is a *PermanentError.
	Send(from, to string, msg []byte) error
	Close() error
}
