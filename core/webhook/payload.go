package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"vorgang/core/ticket"
)

// PayloadVersion is the version of the JSON posted; a change that is not
// only an added field gets a new version.
const PayloadVersion = 1

// Payload is the JSON body of a delivery (documented in docs/webhooks.md).
type Payload struct {
	Version int `json:"version"`
	// Delivery identifies the delivery: the same on every attempt, so a
	// receiver can recognise one it took already.
	Delivery   string        `json:"delivery"`
	Webhook    string        `json:"webhook"`
	Event      string        `json:"event"`
	OccurredAt time.Time     `json:"occurred_at"`
	Sequence   int64         `json:"sequence"`
	Actor      string        `json:"actor,omitempty"`
	Ticket     PayloadTicket `json:"ticket"`
	Transition string        `json:"transition,omitempty"`
	// Comment is the public text of the change; internal comments are
	// never posted, only flagged.
	Comment  string       `json:"comment,omitempty"`
	Internal bool         `json:"internal,omitempty"`
	SLA      []PayloadSLA `json:"sla,omitempty"`
}

// PayloadTicket is the ticket as the change left it.
type PayloadTicket struct {
	Number   string `json:"number"`
	Process  string `json:"process"`
	Title    string `json:"title"`
	State    string `json:"state"`
	Priority string `json:"priority,omitempty"`
	Team     string `json:"team,omitempty"`
	Assignee string `json:"assignee,omitempty"`
}

// PayloadSLA is one SLA event of an sla.* delivery.
type PayloadSLA struct {
	Goal string `json:"goal"`
	Kind string `json:"kind"`
	Due  string `json:"due"` // RFC 3339
}

func payloadOf(delivery, webhook string, o ticket.Occurrence) Payload {
	p := Payload{Version: PayloadVersion, Delivery: delivery, Webhook: webhook, Event: o.Notice.Event,
		OccurredAt: o.At.UTC(), Sequence: o.Seq, Actor: o.Notice.Actor, Transition: o.Notice.Transition,
		Comment: o.Notice.Comment, Internal: o.Notice.Internal,
		Ticket: PayloadTicket{Number: o.Ticket.Number, Process: o.Ticket.Process, Title: o.Ticket.Title, State: o.Ticket.State,
			Priority: o.Ticket.Priority, Team: o.Ticket.Team, Assignee: o.Ticket.Assignee}}
	for _, e := range o.Notice.SLA {
		p.SLA = append(p.SLA, PayloadSLA{Goal: e.Goal, Kind: e.Kind, Due: e.Due})
	}
	return p
}

// Headers of a delivery.
const (
	HeaderEvent     = "X-Vorgang-Event"
	HeaderDelivery  = "X-Vorgang-Delivery"
	HeaderTimestamp = "X-Vorgang-Timestamp"
	HeaderSignature = "X-Vorgang-Signature"
)

// Sign returns the signature header value of body sent at ts:
// "sha256=" and the hex HMAC-SHA256, keyed with the secret, of the Unix
// time in seconds, a dot and the body. Signing the time lets a receiver
// refuse a replayed old delivery.
func Sign(secret string, ts time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts.Unix(), 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether signature is body's at the timestamp header value
// ts under secret: what a receiver written in Go does.
func Verify(secret, ts, signature string, body []byte) bool {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	return hmac.Equal([]byte(signature), []byte(Sign(secret, time.Unix(sec, 0), body)))
}

func encode(p Payload) ([]byte, error) { return json.Marshal(p) }
