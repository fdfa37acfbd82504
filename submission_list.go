package argos

import (
	"context"
	"crypto/sha256"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/kycgo/argos/internal/endpoint"
)

// ListSubmissionsParams filters GET /submission. The zero value lists every
// submission, a page at a time.
type ListSubmissionsParams struct {
	UserID string
	Email  string
	// Count is the page size (1–2000); 0 leaves it to the server (50).
	Count int
	// StartDate and EndDate bound the period, as YYYY-MM-DD or YYYYMMDD (the
	// docs show both); they are sent as given.
	StartDate, EndDate string
	// RequestType limits each item to one part: RequestKYC, RequestAML,
	// RequestData or RequestOthers.
	RequestType RequestType
	// Next continues a listing from SubmissionList.Next.
	Next *PageKey
}

// LogValue implements slog.LogValuer without the email or user ID.
func (p ListSubmissionsParams) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("count", p.Count), slog.String("request_type", string(p.RequestType)),
		slog.Bool("by_user_id", p.UserID != ""), slog.Bool("by_email", p.Email != ""), slog.Bool("next", p.Next != nil))
}

// Format prints a summary without the email or user ID, for every verb.
func (p ListSubmissionsParams) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.ListSubmissionsParams{Count:%d RequestType:%s StartDate:%s EndDate:%s ByUserID:%t ByEmail:%t Next:%t}",
		p.Count, p.RequestType, p.StartDate, p.EndDate, p.UserID != "", p.Email != "", p.Next != nil)
}

// MaxPageSize is the largest Count the API accepts.
const MaxPageSize = 2000

// PageKey continues a listing (nextpageKey on the wire).
type PageKey struct {
	ID        string `json:"id"`
	CreatedAt string `json:"created_at"`
}

// SubmissionList is one page of GET /submission. Next is nil on the last
// page.
type SubmissionList struct {
	Items []Submission `json:"Items"`
	Next  *PageKey     `json:"nextpageKey"`
}

// LogValue implements slog.LogValuer: the page's size and IDs only.
func (l SubmissionList) LogValue() slog.Value {
	ids := make([]string, len(l.Items))
	for i := range l.Items {
		ids[i] = l.Items[i].ID
	}
	return slog.GroupValue(slog.Int("items", len(l.Items)), slog.Any("submission_ids", ids), slog.Bool("next", l.Next != nil))
}

// Format prints the items redacted (see Submission.String).
func (l SubmissionList) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.SubmissionList{Items:%v Next:%v}", l.Items, l.Next)
}

// ListSubmissions returns one page of submissions matching p (nil: all).
// Continue with p.Next = list.Next, or use AllSubmissions.
//
// It calls GET /submission with userid, email, count, start_date, end_date,
// request_type, nextpage_id and nextpage_date.
//
// Argos docs: https://developers.argosidentity.com/api-reference/api-reference-guide/en/get-submission/list
func (c *Client) ListSubmissions(ctx context.Context, p *ListSubmissionsParams, opts ...Option) (*SubmissionList, error) {
	c, err := c.begin(endpoint.ListSubmissions, opts)
	if err != nil {
		return nil, err
	}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	return c.listSubmissions(ctx, "ListSubmissions", q)
}

func (c *Client) listSubmissions(ctx context.Context, op string, q query) (*SubmissionList, error) {
	var list SubmissionList
	r := newCall(endpoint.ListSubmissions, q)
	r.op = op // AllSubmissions names itself
	if err := c.doJSON(ctx, r, &list, false); err != nil {
		return nil, err
	}
	return &list, nil
}

// check refuses a list answer that is not the documented one, and for
// GetSubmission (r.wantID) one without the submission asked for. It runs
// inside the call (sendJSON), so middleware see the failure.
func (l *SubmissionList) check(c *Client, r *call) error {
	if l.Items == nil {
		return unexpected(r.op, "no Items list")
	}
	if l.Next != nil && *l.Next == (PageKey{}) {
		l.Next = nil // an empty page key: the last page
	}
	if l.Next != nil && (l.Next.ID == "" || l.Next.CreatedAt == "") {
		return unexpected(r.op, "a nextpageKey without id or created_at")
	}
	if r.wantID == "" {
		return nil
	}
	for i := range l.Items {
		if l.Items[i].ID == r.wantID {
			return nil
		}
	}
	if len(l.Items) > 0 {
		return unexpected(r.op, "the answer is about another submission (its data is withheld)")
	}
	return notFound(http.MethodGet, c.baseURL.Path+r.path)
}

func (p *ListSubmissionsParams) query() (query, error) {
	if p == nil {
		return nil, nil
	}
	if p.Count < 0 || p.Count > MaxPageSize {
		return nil, &ValidationError{Field: "Count", Reason: fmt.Sprintf("must be between 0 and %d", MaxPageSize)}
	}
	for _, d := range []struct{ name, v string }{{"StartDate", p.StartDate}, {"EndDate", p.EndDate}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse("2006-01-02", d.v); err != nil {
			if _, err := time.Parse("20060102", d.v); err != nil {
				return nil, &ValidationError{Field: d.name, Reason: "must be a date as YYYY-MM-DD or YYYYMMDD"}
			}
		}
	}
	q := query{{"userid", p.UserID}, {"email", p.Email}, {"start_date", p.StartDate}, {"end_date", p.EndDate},
		{"request_type", string(p.RequestType)}}
	if p.Count > 0 {
		q = append(q, param{"count", strconv.Itoa(p.Count)})
	}
	if p.Next != nil {
		if p.Next.ID == "" || p.Next.CreatedAt == "" {
			return nil, &ValidationError{Field: "Next", Reason: "needs both ID and CreatedAt"}
		}
		q = append(q, param{"nextpage_id", p.Next.ID}, param{"nextpage_date", p.Next.CreatedAt})
	}
	for _, p := range q {
		if err := checkText(p.key, p.value); err != nil {
			return nil, err
		}
	}
	return q, nil
}

// AllSubmissions iterates over every submission matching p, following
// nextpageKey from page to page. It never changes *p. The iteration stops at
// the first error, which it yields (with a nil submission).
//
// A server that keeps paging without progress is stopped, with an error
// matching ErrPaginationStalled: a page key it already returned (the last
// 1,024 are remembered, as digests), 5 pages in a row with no item, or no
// item at all for longer than the client's WithTimeout (the time the
// caller's loop body cannot stop). Memory stays bounded whatever the server
// sends: one page at a time.
//
//	for sub, err := range client.AllSubmissions(ctx, &argos.ListSubmissionsParams{UserID: "u1"}) {
//		if err != nil { return err }
//		…
//	}
//
// Argos docs: https://developers.argosidentity.com/api-reference/api-reference-guide/en/get-submission/list
func (c *Client) AllSubmissions(ctx context.Context, p *ListSubmissionsParams, opts ...Option) iter.Seq2[*Submission, error] {
	c, err := c.with(opts)
	if err != nil {
		return func(yield func(*Submission, error) bool) { yield(nil, err) }
	}
	return func(yield func(*Submission, error) bool) {
		var params ListSubmissionsParams
		if p != nil {
			params = *p
			if p.Next != nil {
				next := *p.Next
				params.Next = &next
			}
		}
		var seen pageKeys
		if params.Next != nil {
			seen.add(*params.Next)
		}
		empty, lastItem := 0, time.Now()
		for {
			page, err := c.ListSubmissions(ctx, &params)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range page.Items {
				if !yield(&page.Items[i], nil) {
					return
				}
			}
			if page.Next == nil {
				return
			}
			if len(page.Items) > 0 {
				empty, lastItem = 0, time.Now()
			} else {
				empty++
			}
			var stall string
			switch {
			case seen.has(*page.Next):
				stall = "a page key came back"
			case empty >= maxEmptyPages:
				stall = fmt.Sprintf("%d pages in a row had no item", empty)
			case c.timeout > 0 && time.Since(lastItem) > c.timeout:
				stall = "no item for longer than WithTimeout"
			}
			if stall != "" {
				yield(nil, &opError{op: "AllSubmissions", err: fmt.Errorf("%w: %s", ErrPaginationStalled, stall)})
				return
			}
			seen.add(*page.Next)
			params.Next = page.Next
		}
	}
}

// maxEmptyPages is how many pages in a row with no item but a page key
// AllSubmissions accepts before it ends with ErrPaginationStalled.
const maxEmptyPages = 5

// maxRememberedPageKeys is how many page keys AllSubmissions remembers to
// detect a server that sends one again.
const maxRememberedPageKeys = 1024

// pageKeys remembers the digests of the latest maxRememberedPageKeys page
// keys: 32 bytes each, however long the keys the server sends.
type pageKeys struct {
	ring [][sha256.Size]byte
	set  map[[sha256.Size]byte]bool
	next int
}

func pageKeyDigest(k PageKey) [sha256.Size]byte {
	return sha256.Sum256([]byte(k.ID + "\x00" + k.CreatedAt))
}

func (s *pageKeys) has(k PageKey) bool { return s.set[pageKeyDigest(k)] }

func (s *pageKeys) add(k PageKey) {
	d := pageKeyDigest(k)
	if s.set == nil {
		s.set = map[[sha256.Size]byte]bool{}
	}
	if len(s.ring) < maxRememberedPageKeys {
		s.ring = append(s.ring, d)
	} else {
		delete(s.set, s.ring[s.next])
		s.ring[s.next] = d
		s.next = (s.next + 1) % maxRememberedPageKeys
	}
	s.set[d] = true
}
