package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kycgo/argos"
)

// selection is what purge was asked to select. Each listed item is checked
// against it before it can be deleted or erased: the server's filtering is
// not trusted (the vendor documents the date parameters in two formats, so
// a server that ignores one is plausible), and an item outside it is never
// touched.
type selection struct {
	// from and before bound created_at: from the start of --from's day
	// (zero: no bound) up to, not including, the start of the day after
	// --until, both in UTC.
	from, before time.Time
	user, email  string
}

// newSelection returns the selection of the checked filters f (dates as
// YYYY-MM-DD; f.to is --until).
func newSelection(f *filters) *selection {
	sel := &selection{user: f.userID(), email: f.emailAddr()}
	if t, err := time.Parse(time.DateOnly, f.from); err == nil {
		sel.from = t
	}
	if t, err := time.Parse(time.DateOnly, f.to); err == nil {
		sel.before = t.AddDate(0, 0, 1)
	}
	return sel
}

// created returns s's created_at, and whether it can be read and falls
// within the dates.
func (sel *selection) created(s *argos.Submission) (time.Time, bool) {
	t, err := argos.ParseTimestamp(s.CreatedAt)
	if err != nil {
		return time.Time{}, false
	}
	return t, !t.Before(sel.from) && (sel.before.IsZero() || t.Before(sel.before))
}

// matches reports whether a live submission s is one the filters select:
// its dates, and its user ID and email exactly as given.
func (sel *selection) matches(s *argos.Submission) bool {
	_, ok := sel.created(s)
	return ok && (sel.user == "" || s.UserID == sel.user) && (sel.email == "" || s.Email == sel.email)
}

// candidate is one submission purge will act on.
type candidate struct {
	id      string
	created time.Time
	cells   []string // the preview's row (nil unless previewing a table)
}

// purgeList is what the listing found.
type purgeList struct {
	todo    []candidate // to delete or erase, oldest first
	skipped int         // already deleted
	outside []candidate // listed, but outside the filters: never touched
}

// purgeCandidates lists the submissions the filters select, oldest first,
// leaving out those already deleted (argos.Submission.Deleted; counted in
// skipped) and putting those outside the filters apart (a deleted one
// outside the dates too: its user ID and email are erased, so only its
// dates can be checked). With rows it keeps each one's preview row.
func (a *app) purgeCandidates(ctx context.Context, c *argos.Client, p *argos.ListSubmissionsParams, sel *selection, rows bool) (*purgeList, error) {
	var out purgeList
	for s, err := range c.AllSubmissions(ctx, p) {
		if err != nil {
			return nil, fmt.Errorf("listing submissions: %w", err)
		}
		created, inDates := sel.created(s)
		deleted := s.Deleted()
		if deleted && inDates {
			out.skipped++
			continue
		}
		cd := candidate{id: s.ID, created: created}
		if rows {
			cd.cells = make([]string, len(listColumns))
			for i, col := range listColumns {
				cd.cells[i] = col.value(s, a.showPII)
			}
		}
		if deleted || !sel.matches(s) {
			out.outside = append(out.outside, cd)
			continue
		}
		out.todo = append(out.todo, cd)
	}
	// The API lists newest first: the oldest go first, and those created at
	// the same time in the reverse of the listing's order.
	slices.Reverse(out.todo)
	slices.SortStableFunc(out.todo, func(x, y candidate) int { return x.created.Compare(y.created) })
	return &out, nil
}

// ids returns the candidates' IDs.
func ids(cs []candidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.id
	}
	return out
}
