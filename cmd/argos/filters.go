package main

import (
	"flag"
	"strings"
	"time"

	"github.com/kycgo/argos"
)

// filters are the flags that select submissions, shared by list, export and
// purge.
type filters struct {
	user, email string
	from, to    string
	reqType     string
	limit       int
	pageSize    int
}

// filterOpts says which filter flags a command has.
type filterOpts struct {
	from, to    bool   // --from, --to
	requestType bool   // --type
	limit       int    // default of --limit; < 0: no --limit flag
	limitUsage  string // --limit's help, if not the usual
}

// addFilters puts the filter flags on fs.
func addFilters(fs *flag.FlagSet, o filterOpts) *filters {
	f := &filters{}
	fs.StringVar(&f.user, "user", "", "only the submissions of this user `ID` (userid)")
	fs.StringVar(&f.email, "email", "", "only the submissions with this email `address`")
	if o.from {
		fs.StringVar(&f.from, "from", "", "only submissions created on or after this `date` (YYYY-MM-DD, UTC)")
	}
	if o.to {
		fs.StringVar(&f.to, "to", "", "only submissions created on or before this `date` (YYYY-MM-DD, UTC)")
	}
	if o.requestType {
		choiceVar(fs, &f.reqType, "type", "", "only this `part` of each submission: kyc, aml, data or others (request_type)",
			string(argos.RequestKYC), string(argos.RequestAML), string(argos.RequestData), string(argos.RequestOthers))
	}
	if o.limit >= 0 {
		usage := o.limitUsage
		if usage == "" {
			usage = "at most `N` submissions (0: all)"
		}
		fs.IntVar(&f.limit, "limit", o.limit, usage)
	}
	fs.IntVar(&f.pageSize, "page-size", argos.MaxPageSize, "submissions per request (1-2000)")
	return f
}

// params checks the filters and returns the list parameters for them.
func (f *filters) params() (*argos.ListSubmissionsParams, error) {
	for _, d := range []struct{ flag, v string }{{"--from", f.from}, {"--to", f.to}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.v); err != nil {
			return nil, usagef("%s must be a date as YYYY-MM-DD", d.flag)
		}
	}
	if f.from != "" && f.to != "" && f.from > f.to {
		return nil, usagef("--from is after --to")
	}
	switch argos.RequestType(f.reqType) {
	case "", argos.RequestKYC, argos.RequestAML, argos.RequestData, argos.RequestOthers:
	default:
		return nil, usagef("--type must be kyc, aml, data or others")
	}
	if f.limit < 0 {
		return nil, usagef("--limit must not be negative")
	}
	if f.pageSize < 1 || f.pageSize > argos.MaxPageSize {
		return nil, usagef("--page-size must be between 1 and %d", argos.MaxPageSize)
	}
	p := &argos.ListSubmissionsParams{
		UserID: f.userID(), Email: f.emailAddr(),
		StartDate: f.from, EndDate: f.to, Count: f.pageSize,
	}
	if f.limit > 0 {
		p.Count = min(p.Count, f.limit)
	}
	setString(&p.RequestType, f.reqType)
	return p, nil
}

// userID and emailAddr are --user and --email as sent.
func (f *filters) userID() string    { return strings.TrimSpace(f.user) }
func (f *filters) emailAddr() string { return strings.TrimSpace(f.email) }

// setString sets a string field whether the SDK types it as string or as a
// named string type (ListSubmissionsParams.RequestType is to become
// argos.RequestType).
func setString[T ~string](dst *T, v string) { *dst = T(v) }
