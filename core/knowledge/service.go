package knowledge

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"vorgang/core/auth"
	"vorgang/core/search"
	"vorgang/core/store"
)

// Store is what the package needs from the data layer; *store.Store
// implements it.
type Store interface {
	Get(ctx context.Context, coll, id string, out any) error
	GetMany(ctx context.Context, coll string, ids []string, out any) error
	Find(ctx context.Context, coll string, f store.Find, out any) error
	Insert(ctx context.Context, coll string, doc any) error
	Update(ctx context.Context, coll, id string, expectVersion int64, update map[string]any) (int64, error)
	NextNumber(ctx context.Context, scope string) (int64, error)
	PutAttachment(ctx context.Context, a *store.Attachment, r io.Reader, maxSize int64) error
	Attachment(ctx context.Context, id string) (*store.Attachment, error)
	WriteAttachment(ctx context.Context, a *store.Attachment, w io.Writer) error
	DeleteFileAttachment(ctx context.Context, id string) (bool, error)
	AttachmentIDs(ctx context.Context, from, to, after string, limit int) ([]string, error)
	DeleteLooseChunks(ctx context.Context, from, to string) (int, error)
	Delete(ctx context.Context, coll, id string) error
}

var _ Store = (*store.Store)(nil)

// Users looks up the owner of an article; *auth.Service implements it.
type Users interface {
	User(ctx context.Context, name string) (*auth.User, error)
}

// Deps configures a Service. Store is required.
type Deps struct {
	Store Store
	// Users checks the owner named by an editor; nil accepts any name.
	Users Users
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Now defaults to time.Now; tests fix the clock.
	Now func() time.Time
	// Index, when set, answers searches with words: German and English
	// stemming ("Drucker" finds "Druckers"), phrases, ranking, snippets.
	// It lives in this process: with other writers of the articles
	// (several instances on MongoDB) set IndexRefresh. Without it a search
	// matches pieces of words in the stored articles.
	Index *search.Articles
	// IndexRefresh, when set, has a search read the articles again when
	// the index was last filled longer ago than this: other processes
	// save articles too (several instances on MongoDB), and the index
	// learns of their saves only so. Zero: the index is filled once and
	// kept by this process's saves (the embedded store, one writer).
	IndexRefresh time.Duration
	// Review returns the review rule of a category name, ok false when
	// articles of that category are published as they are saved; nil:
	// no category is reviewed.
	Review func(category string) (rule ReviewRule, ok bool)
}

// Service keeps the knowledge base. It is safe for concurrent use.
type Service struct {
	store Store
	log   *slog.Logger
	now   func() time.Time

	users  Users
	review func(string) (ReviewRule, bool)
	index  *search.Articles
	idxMu  sync.Mutex
	// idxVersions are the versions in the index; nil until it is loaded.
	idxVersions map[string]int64
	// idxRefresh and idxRead: see Deps.IndexRefresh; idxRead is when the
	// index last read the store.
	idxRefresh time.Duration
	idxRead    time.Time
}

// New returns a service.
func New(d Deps) (*Service, error) {
	if d.Store == nil {
		return nil, fmt.Errorf("knowledge: Store is required")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{store: d.Store, log: d.Logger, now: d.Now, users: d.Users, index: d.Index, review: d.Review, idxRefresh: d.IndexRefresh}, nil
}

// stamp is the time recorded for a change, in the database's precision.
func (s *Service) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }
