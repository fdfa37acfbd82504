package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/kycgo/argos"
)

func init() {
	register(&command{
		name: "purge", summary: "delete every submission created up to --until, or erase --fields of each (lists them unless --yes)", run: runPurge,
	})
}

// Limits of purge's flags.
const (
	// maxRate is the API's documented limit, calls per second
	// (https://argos-kyc.gitbook.io/client-guide-1/api-guide-deprecated/api-guide).
	maxRate = 5000
	// maxConcurrency is the SDK's default connection limit per host (64,
	// see the SDK's SECURITY.md).
	maxConcurrency = 64
	// finishTimeout bounds the deletions in flight when the purge is
	// interrupted: they finish, so the log records their outcome.
	finishTimeout = 30 * time.Second
	// maxUnconfirmed is the most submissions --yes deletes without
	// --confirm-count.
	maxUnconfirmed = 100
)

// purgeOpts are purge's own flags.
type purgeOpts struct {
	until       string
	admin       string
	yes         bool
	confirm     int // --confirm-count
	concurrency int
	rate        float64
	log         string
	fields      string // --fields: erase these parts instead of deleting (v3)
	dataFields  string // --data-fields: with --fields data, only these
}

// purgeAction is what purge does to each submission, chosen from the flags
// in one place (newPurgeAction): a deletion, or with --fields a partial
// deletion (newPartialAction).
type purgeAction struct {
	// wouldBe, verb and past word the preview and the summary: "be
	// deleted", "delete", "deleted".
	wouldBe, verb, past string
	// partial is what a partial deletion erases (nil for a deletion), for
	// the log's run line and --json.
	partial *argos.DeleteFieldsRequest
	// del deletes one submission's data.
	del func(ctx context.Context, id string) error
	// done reports whether a submission's data is deleted, for a del that
	// failed after its request may have reached Argos (an answer cut
	// short): the log then records what really happened.
	done func(ctx context.Context, id string) bool
}

// purgeTotals counts the outcomes.
type purgeTotals struct {
	deleted, gone, failed, notStarted int
}

func runPurge(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet(apiFlags)
	f := addFilters(fs, filterOpts{from: true, limit: 0,
		limitUsage: "act on the oldest `N` submissions selected at most (0: all): a retention purge goes from the past forward"})
	var o purgeOpts
	fs.StringVar(&o.until, "until", "", "delete submissions created on or before this `date` (YYYY-MM-DD, UTC; required)")
	fs.StringVar(&o.admin, "admin", "", "dashboard admin `NAME` to record as the deleter (needed for delete webhooks)")
	fs.BoolVar(&o.yes, "yes", false, "delete; without it purge only lists what it would delete")
	fs.IntVar(&o.confirm, "confirm-count", 0, fmt.Sprintf("with --yes, the `number` of submissions the preview showed: required above %d, and refused when the count found differs", maxUnconfirmed))
	fs.IntVar(&o.concurrency, "concurrency", 8, fmt.Sprintf("deletions in flight at once (1-%d)", maxConcurrency))
	fs.Float64Var(&o.rate, "rate", 100, fmt.Sprintf("at most this many requests per second, the deletions and the reads around them (at most %d, the API's limit for all calls)", maxRate))
	fs.StringVar(&o.log, "log", "argos-purge.log", "`FILE` to append the record of every deletion to (JSON Lines)")
	choiceVar(fs, &o.fields, "fields", "", "erase only these `parts` of each submission, comma-separated (id_image, selfie_image, data, OCR_raw, ocr, review, applicant_id, email, userid, additional_list, duplicated_information, …; v3 API)", names(partialNames)...)
	choiceVar(fs, &o.dataFields, "data-fields", "", "with --fields data, erase only these `fields` of data, comma-separated (name, date_of_birth, identityNumber, …)", names(dataFieldNames)...)
	if _, err := a.parse(fs, args, 0); err != nil {
		return err
	}
	if o.until == "" {
		return usagef("--until DATE is required")
	}
	if _, err := time.Parse(time.DateOnly, o.until); err != nil {
		return usagef("--until must be a date as YYYY-MM-DD")
	}
	if o.concurrency < 1 || o.concurrency > maxConcurrency {
		return usagef("--concurrency must be between 1 and %d", maxConcurrency)
	}
	if !(o.rate > 0 && o.rate <= maxRate) {
		return usagef("--rate must be above 0 and at most %d", maxRate)
	}
	if o.confirm < 0 || (o.confirm > 0 && !o.yes) {
		return usagef("--confirm-count N goes with --yes, N being the count the preview showed")
	}
	f.to = o.until
	p, err := f.params()
	if err != nil {
		return err
	}
	p.Count = f.pageSize // every page: --limit picks the oldest of them
	partial, err := o.partialDelete()
	if err != nil {
		return err
	}
	var limiter waiter = newLimiter(&o) // --rate paces every request of the purge
	if a.wrapLimiter != nil {
		limiter = a.wrapLimiter(limiter)
	}
	c, err := a.client(argos.WithRateLimiter(limiter))
	if err != nil {
		return err
	}
	if partial != nil && v3Refused(probeV3(ctx, c)) {
		return a.needsV3("purge --fields") // before anything is listed or erased
	}
	act := newPurgeAction(c, &o, partial)
	found, err := a.purgeCandidates(ctx, c, p, newSelection(f), !o.yes && !a.json)
	if err != nil {
		return err
	}
	if f.limit > 0 && len(found.todo) > f.limit {
		found.todo = found.todo[:f.limit] // the oldest
	}
	if !o.yes {
		return a.purgePreview(found, act)
	}
	if n := len(found.todo); (n > maxUnconfirmed || o.confirm > 0) && o.confirm != n {
		if o.confirm == 0 {
			return usagef("this purge would %s %d submissions: above %d, confirm the count the preview shows with --confirm-count %d as well as --yes",
				act.verb, n, maxUnconfirmed, n)
		}
		return usagef("--confirm-count %d, but %d submissions are selected now: run the preview again and confirm its count", o.confirm, n)
	}
	return a.purgeRun(ctx, &o, newRunLine(a, &o, f), found, act)
}

// probeV3 asks the SDK, before purge lists anything, whether it would send
// DeleteSubmissionFields, a v3 call: it refuses a v3 call on a /v2 base
// before looking at the request, so a nil request is its refusal there
// (v3Refused) and its *argos.ValidationError for the nil request on any
// other base. Nothing is sent either way.
func probeV3(ctx context.Context, c *argos.Client) error {
	_, err := c.DeleteSubmissionFields(ctx, nil)
	return err
}

// newPurgeAction returns what the flags ask purge to do to each
// submission: erase the parts of partial when it is not nil, else delete.
func newPurgeAction(c *argos.Client, o *purgeOpts, partial *argos.DeleteFieldsRequest) *purgeAction {
	if partial != nil {
		return newPartialAction(c, partial)
	}
	return &purgeAction{
		wouldBe: "be deleted", verb: "delete", past: "deleted",
		del: func(ctx context.Context, id string) error {
			return goneIsNotFound(c.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: id, Admin: o.admin})) // no admin_name when o.admin is ""
		},
		done: func(ctx context.Context, id string) bool {
			s, err := c.GetSubmission(ctx, id)
			return errors.Is(err, argos.ErrNotFound) || (err == nil && s.Deleted())
		},
	}
}

// purgePreview reports what a purge with --yes would do: the submissions
// it would act on, oldest first, and apart those the server listed outside
// the filters (exit code 3: they would not be touched, but the server did
// not filter as asked).
func (a *app) purgePreview(found *purgeList, act *purgeAction) error {
	todo, outside := ids(found.todo), ids(found.outside)
	if a.json {
		out := map[string]any{"dry_run": true, "would_delete": len(todo), "already_deleted": found.skipped,
			"submission_ids": todo, "outside_filters": len(outside), "outside_ids": outside}
		act.describe(out)
		if err := a.printJSON(out); err != nil {
			return err
		}
		return outsideErr(len(outside))
	}
	if err := a.printCandidates(found.todo); err != nil {
		return err
	}
	again := "--yes"
	if len(todo) > maxUnconfirmed {
		again = fmt.Sprintf("--yes --confirm-count %d", len(todo))
	}
	if _, err := fmt.Fprintf(a.stdout, "\n%s would %s (%d already deleted). Run again with %s to %s them.\n",
		count(int64(len(todo)), "submission"), act.wouldBe, found.skipped, again, act.verb); err != nil {
		return err
	}
	if len(outside) > 0 {
		if _, err := fmt.Fprintf(a.stdout, "\n%s outside the filters (the server did not apply them); purge leaves them alone:\n",
			count(int64(len(outside)), "listed submission")); err != nil {
			return err
		}
		if err := a.printCandidates(found.outside); err != nil {
			return err
		}
	}
	return outsideErr(len(outside))
}

// printCandidates writes the candidates' preview rows as a table.
func (a *app) printCandidates(cs []candidate) error {
	t := newTable(a.stdout, "ID", "CREATED", "STATUS", "EMAIL", "NAME", "BIRTH DATE", "USER ID")
	for _, c := range cs {
		t.row(c.cells...)
	}
	return t.flush()
}

// outsideErr is the exit code 3 of a purge that found n submissions
// outside its filters, or nil.
func outsideErr(n int) error {
	if n == 0 {
		return nil
	}
	return &partialError{outside: n}
}

// describe adds the parts a partial deletion erases to a JSON summary.
func (p *purgeAction) describe(out map[string]any) {
	if p.partial != nil {
		out["fields"] = p.partial.Fields
		if len(p.partial.DataFields) > 0 {
			out["data_fields"] = p.partial.DataFields
		}
	}
}

// purgeRun deletes found.todo with o.concurrency workers at most o.rate
// per second, recording each one in the log before and after its call, and
// each submission listed outside the filters (never touched). On Ctrl-C it
// sends no more deletions, lets those in flight finish (up to
// finishTimeout) and records them, so the log is complete.
func (a *app) purgeRun(ctx context.Context, o *purgeOpts, run logEntry, found *purgeList, act *purgeAction) error {
	todo := ids(found.todo)
	log, err := openPurgeLog(o.log, a.now)
	if err != nil {
		return err
	}
	run.Candidates, run.Outside = intp(len(todo)), intp(len(found.outside))
	if act.partial != nil {
		run.Fields, run.DataFields = act.partial.Fields, act.partial.DataFields
	}
	err = log.write(run)
	for _, c := range found.outside {
		if err == nil {
			err = log.write(logEntry{Event: evOutside, ID: c.id})
		}
	}
	if err != nil {
		return errors.Join(err, log.close())
	}
	tot, fatal := a.deleteAll(ctx, o, todo, act, log)
	interrupted := ctx.Err() != nil
	endErr := log.write(logEntry{Event: evEnd, Deleted: intp(tot.deleted), Gone: intp(tot.gone),
		Failed: intp(tot.failed), NotStarted: intp(tot.notStarted), Interrupted: &interrupted})
	if err := errors.Join(fatal, endErr, log.close()); err != nil {
		return fmt.Errorf("purge stopped (%d deleted, %d failed, %d not started; see %s): %w",
			tot.deleted+tot.gone, tot.failed, tot.notStarted, o.log, err)
	}
	if err := a.purgeSummary(o, tot, found, act); err != nil {
		return err
	}
	if interrupted {
		return fmt.Errorf("%d not started: %w", tot.notStarted, ctx.Err())
	}
	if tot.failed > 0 || len(found.outside) > 0 {
		return &partialError{failed: tot.failed, total: len(todo), outside: len(found.outside)}
	}
	return nil
}

func (a *app) purgeSummary(o *purgeOpts, tot purgeTotals, found *purgeList, act *purgeAction) error {
	if a.json {
		out := map[string]any{"deleted": tot.deleted, "already_gone": tot.gone, "failed": tot.failed,
			"not_started": tot.notStarted, "already_deleted": found.skipped, "outside_filters": len(found.outside), "log": o.log}
		act.describe(out)
		return a.printJSON(out)
	}
	outside := ""
	if n := len(found.outside); n > 0 {
		outside = fmt.Sprintf(", left alone %d outside the filters", n)
	}
	_, err := fmt.Fprintf(a.stdout, "%s %d, already gone %d, failed %d, not started %d, skipped %d already deleted%s; log: %s\n",
		act.past, tot.deleted, tot.gone, tot.failed, tot.notStarted, found.skipped, outside, o.log)
	return err
}

// deleteAll runs the workers. fatal is set when the log cannot be written
// or the API refuses the key: the purge then stops sending deletions.
func (a *app) deleteAll(ctx context.Context, o *purgeOpts, ids []string, act *purgeAction, log *purgeLog) (tot purgeTotals, fatal error) {
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	prog := a.newProgress("deleted", int64(len(ids)))
	defer prog.done()

	var mu sync.Mutex
	next, unsent := 0, 0
	// take hands out the next ID, or "" when done or stopping.
	take := func() string {
		mu.Lock()
		defer mu.Unlock()
		if stop.Err() != nil || next == len(ids) {
			return ""
		}
		next++
		return ids[next-1]
	}
	record := func(id string, err error) {
		ev, msg := evDeleted, ""
		switch {
		case errors.Is(err, argos.ErrNotFound):
			ev = evGone
		case err != nil:
			ev, msg = evFailed, err.Error()
		}
		lerr := log.write(logEntry{Event: ev, ID: id, Error: msg})
		mu.Lock()
		defer mu.Unlock()
		switch ev {
		case evDeleted:
			tot.deleted++
		case evGone:
			tot.gone++
		default:
			tot.failed++
		}
		if fatal == nil && (lerr != nil || errors.Is(err, argos.ErrForbidden)) {
			fatal = cmpErr(lerr, err)
			cancel()
		}
	}

	var wg sync.WaitGroup
	for range min(o.concurrency, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				id := take() // the client waits for --rate before each request

				if id == "" {
					return
				}
				if err := log.write(logEntry{Event: evDeleting, ID: id}); err != nil {
					// Not recorded, so not sent: stop.
					mu.Lock()
					unsent++
					if fatal == nil {
						fatal = err
					}
					mu.Unlock()
					cancel()
					return
				}
				record(id, act.run(stop, id))
				prog.add(1)
			}
		}()
	}
	wg.Wait()
	tot.notStarted = len(ids) - next + unsent
	return tot, fatal
}

// run deletes one submission. The call is not cancelled with ctx: a
// deletion once sent finishes (up to finishTimeout) so that its outcome is
// known. A failure whose answer may have been lost is checked with done,
// and reads as ErrNotFound when the submission is gone after all.
func (p *purgeAction) run(ctx context.Context, id string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	err := p.del(ctx, id)
	if err != nil && !errors.Is(err, argos.ErrNotFound) && !errors.Is(err, argos.ErrForbidden) && p.done(ctx, id) {
		return argos.ErrNotFound
	}
	return err
}

// waiter is what paces the purge's requests (argos.WithRateLimiter):
// *rate.Limiter.
type waiter interface {
	Wait(ctx context.Context) error
}

// newLimiter paces the requests at o.rate a second, in bursts of at most
// burst(o).
func newLimiter(o *purgeOpts) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(o.rate), burst(o))
}

// goneIsNotFound logs a deletion the SDK found already gone (a repeat after
// an attempt whose answer was lost: DeleteResult.AlreadyGone) as gone.
func goneIsNotFound(res *argos.DeleteResult, err error) error {
	if err == nil && res.AlreadyGone {
		return argos.ErrNotFound
	}
	return err
}

// burst lets the workers start together after a pause (a limiter with no
// burst lines them up one token apart, and each wave keeps that lag) while
// the bursts stay within a tenth of a second's worth of --rate.
func burst(o *purgeOpts) int {
	return max(1, min(o.concurrency, int(o.rate/10)))
}

// cmpErr returns the log error if there is one, else the API's.
func cmpErr(logErr, apiErr error) error {
	if logErr != nil {
		return logErr
	}
	return fmt.Errorf("the API refused the request: %w", apiErr)
}
