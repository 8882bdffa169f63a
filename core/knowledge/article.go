package knowledge

import (
	"slices"
	"strings"
	"time"
)

// Visibility says who may read an article.
type Visibility string

// The visibilities of an article.
const (
	// Public articles are read by everybody, citizens on the portal too.
	Public Visibility = "public"
	// Internal articles are read by every member of staff.
	Internal Visibility = "internal"
	// TeamOnly articles are read by the members of the article's team.
	TeamOnly Visibility = "team"
)

// Languages are the languages an article is written in, the first the
// default.
var Languages = []string{"de", "en"}

// Text is an article in one language.
type Text struct {
	Title string `bson:"title" json:"title"`
	// Body is Markdown; HTML renders it (sanitised).
	Body string `bson:"body" json:"body"`
}

// Content is what an editor writes: everything a version keeps.
type Content struct {
	// Texts by language ("de", "en"); at least one has a title.
	Texts      map[string]Text `bson:"texts" json:"texts"`
	Category   string          `bson:"category" json:"category"`
	Tags       []string        `bson:"tags" json:"tags"`
	Visibility Visibility      `bson:"visibility" json:"visibility"`
	// Team is the team of a TeamOnly article.
	Team string `bson:"team,omitempty" json:"team,omitempty"`
	// Owner reviews the article; default: who created it.
	Owner string `bson:"owner" json:"owner"`
	// ReviewAt is when the article is to be checked again; zero: never.
	ReviewAt time.Time `bson:"review_at,omitempty" json:"review_at,omitempty"`
}

// Article is a stored article.
type Article struct {
	Number  string `bson:"_id" json:"number"`
	Version int64  `bson:"version" json:"version"`
	Content `bson:",inline"`
	Created time.Time `bson:"created" json:"created"`
	Updated time.Time `bson:"updated" json:"updated"`
	// CreatedBy and UpdatedBy are user names.
	CreatedBy string `bson:"created_by" json:"created_by"`
	UpdatedBy string `bson:"updated_by" json:"updated_by"`
	// Pending is the latest saved version while it waits for approval
	// (a category with a review step); Content stays the published text
	// meanwhile. Nil: the latest version is the published one.
	Pending *Pending `bson:"pending,omitempty" json:"pending,omitempty"`
	// Published is the version whose content is served while a version
	// is pending; 0 when none is pending.
	Published int64 `bson:"published,omitempty" json:"published,omitempty"`
	// Unpublished: no version was approved yet. Content is then the text
	// written so far, and only writers of articles see the article.
	Unpublished bool `bson:"unpublished,omitempty" json:"unpublished,omitempty"`
}

// Pending is a saved version waiting for a reviewer.
type Pending struct {
	Version int64     `bson:"version" json:"version"`
	Author  string    `bson:"author" json:"author"`
	At      time.Time `bson:"at" json:"at"`
	Content `bson:",inline"`
}

// Latest is the content of the latest saved version: the pending one if a
// version waits, else the published one. An editor starts from it.
func (a *Article) Latest() *Content {
	if a.Pending != nil {
		return &a.Pending.Content
	}
	return &a.Content
}

// Text returns the article's text in lang, or in the other language when
// it has none in lang, and the language it is in.
func (a *Article) Text(lang string) (Text, string) {
	if t, ok := a.Texts[lang]; ok && t.Title != "" {
		return t, lang
	}
	for _, l := range Languages {
		if t, ok := a.Texts[l]; ok && t.Title != "" {
			return t, l
		}
	}
	return Text{}, lang
}

// Title is the article's title in lang (or the other language).
func (a *Article) Title(lang string) string {
	t, _ := a.Text(lang)
	return t.Title
}

// DueForReview reports whether the article's review date has come.
func (a *Article) DueForReview(now time.Time) bool {
	return !a.ReviewAt.IsZero() && !a.ReviewAt.After(now)
}

// Version is one saved state of an article.
type Version struct {
	// ID is "<number>/<version>".
	ID      string    `bson:"_id" json:"-"`
	Article string    `bson:"article" json:"article"`
	Version int64     `bson:"version" json:"version"`
	Author  string    `bson:"author" json:"author"`
	At      time.Time `bson:"at" json:"at"`
	Content `bson:",inline"`
	// Decision is set on a version that decided a pending one: Approved
	// (its content, that of version Of, is now published) or Rejected
	// (version Of was withdrawn; its content is the published one).
	Decision string `bson:"decision,omitempty" json:"decision,omitempty"`
	Of       int64  `bson:"of,omitempty" json:"of,omitempty"`
}

// The decisions on a pending version.
const (
	Approved = "approved"
	Rejected = "rejected"
)

// Counts are what was done with an article, in all or in one month.
type Counts struct {
	// Shown counts the request forms on the portal beside which the
	// article was offered (once per form).
	Shown int64 `bson:"shown" json:"shown"`
	// Left counts those of them not sent within OfferWindow.
	Left int64 `bson:"left" json:"left"`
	// Submitted counts those of them sent anyway.
	Submitted int64 `bson:"submitted" json:"submitted"`
	// Used counts the times staff put a link to it into a reply.
	Used int64 `bson:"used" json:"used"`
}

// Stats count what was done with an article. Shown minus Left and
// Submitted are the forms still open (or, for counts kept before
// offerings were recorded, those never known).
type Stats struct {
	Number  string `bson:"_id" json:"-"`
	Version int64  `bson:"version" json:"-"`
	Counts  `bson:",inline"`
	// Months are the counts per month ("2026-12", UTC): a form shown,
	// sent or used in the month it happened, one left in the month it was
	// shown.
	Months map[string]Counts `bson:"months,omitempty" json:"-"`
}

// MonthCounts is the counts of one month.
type MonthCounts struct {
	Month string `json:"month"`
	Counts
}

// PerMonth lists the months with counts, newest first.
func (st *Stats) PerMonth() []MonthCounts {
	out := make([]MonthCounts, 0, len(st.Months))
	for m, c := range st.Months {
		out = append(out, MonthCounts{Month: m, Counts: c})
	}
	slices.SortFunc(out, func(a, b MonthCounts) int { return strings.Compare(b.Month, a.Month) })
	return out
}
