package argostest

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kycgo/argos"
)

// Liveform error-page codes the fake lands on. TK-10001 and PV-40018 are
// documented; the vendor's table lists the token errors as "missing,
// expired, approved, pending, rejected" without a readable number for
// "missing", so TK-10000 is the fake's choice.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/reference_tables/Error-codes-and-pages
const (
	errTokenMissing = "TK-10000"
	errTokenExpired = argos.ReturnErrorTokenExpired     // TK-10001
	errStartExpired = argos.ReturnErrorStartLinkExpired // PV-40018
)

// liveformHost is the hosted liveform's host (argos.LiveformBaseURL).
const liveformHost = "form.argosidentity.com"

// liveformIP is the address a liveform submission records: an address of
// the documentation range (RFC 5737), as no real browser is involved.
const liveformIP = "203.0.113.10"

// WithReturnURL sets the fake project's return URL: where the hosted
// liveform sends the browser when it finishes, or when the applicant leaves
// an error page (see Liveform). Without it Liveform answers no ReturnURL.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/getting-started/liveform-url/return-url-guide
func WithReturnURL(u string) ServerOption {
	return func(c *config) { c.returnURL = u }
}

// Applicant is the person who fills in the hosted liveform in Liveform: what
// they enter and what their ID and selfie make the verification conclude.
// The zero Applicant works when the link carries an email: the fake then
// reads a made-up person off the ID, as Step 1 does.
//
// Printing or logging an Applicant shows its ID type, issuing country and
// outcome only.
type Applicant struct {
	// Name and DateOfBirth (YYYY-MM-DD) are what the applicant's ID shows
	// and they confirm; "" takes what the fake's OCR reads.
	Name, DateOfBirth string
	// Email is what the applicant types when the link carries none; the
	// link's email wins.
	Email string
	// IDType is the ID they choose; "" takes the link's selectedIdType, or
	// a passport.
	IDType argos.IDType
	// IssuingCountry (ISO 3166-1 alpha-3) is the country they choose; ""
	// takes the link's selectedIssuingCountry, its first allowedCountries,
	// or "USA".
	IssuingCountry string
	// Outcome is what verification concludes for their selfie. After a
	// retry outcome (OutcomeFaceMismatch, …) they take another selfie for
	// each outcome ScriptStep2 has queued, and leave when none is left:
	// the submission stays incomplete (see Advance for its timeout) and
	// the browser never reaches the return URL. The ID capture follows
	// ScriptStep1.
	Outcome Outcome
}

// String returns the ID type, issuing country and outcome only.
func (a Applicant) String() string {
	return fmt.Sprintf("Applicant{IDType: %s, IssuingCountry: %s, Outcome: %s}", a.IDType, a.IssuingCountry, a.Outcome)
}

// GoString is String, so %#v shows no personal data either.
func (a Applicant) GoString() string { return a.String() }

// Format prints String for every verb.
func (a Applicant) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, a.String()) }

// LogValue implements slog.LogValuer: ID type, issuing country and outcome.
func (a Applicant) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id_type", string(a.IDType)),
		slog.String("issuing_country", a.IssuingCountry), slog.String("outcome", a.Outcome.String()))
}

// LiveformResult is where the applicant's browser lands after Liveform:
// the return URL, or nowhere when the applicant left the form before it
// finished (ReturnURL "", SubmissionID set).
//
// Printing or logging it shows the submission ID and error code only: the
// return URL carries the email and user ID.
type LiveformResult struct {
	// ReturnURL is the project's return URL (WithReturnURL) with the
	// parameters Argos adds: submissionId, kycStatus (approved, pending or
	// rejected), userid, email, cf1–cf3; or errorCode (with the link's
	// userid, email and custom fields) when the form stopped on an error
	// page. "" without a return URL. argos.ParseReturnURL reads it.
	ReturnURL string
	// SubmissionID is the submission the form created; "" when it stopped
	// on an error page.
	SubmissionID string
	// ErrorCode is the error page's code where the form stopped ("" when
	// it finished): PV-40018 (startValidUntil passed), TK-10001 (the
	// token expired), TK-10000 (the token is not in the pool).
	ErrorCode string
}

// String returns the submission ID and error code only.
func (r LiveformResult) String() string {
	return fmt.Sprintf("LiveformResult{SubmissionID: %s, ErrorCode: %s}", r.SubmissionID, r.ErrorCode)
}

// GoString is String, so %#v shows no personal data either.
func (r LiveformResult) GoString() string { return r.String() }

// Format prints String for every verb.
func (r LiveformResult) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, r.String()) }

// LogValue implements slog.LogValuer: submission ID and error code.
func (r LiveformResult) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID), slog.String("error_code", r.ErrorCode))
}

// Liveform plays the hosted liveform for link, a URL made by
// argos.LiveformURL or argos.LiveformURLEncrypted (its encrypted parameter
// decrypted with the server's API key), with a as the applicant, and
// answers where the browser lands. It checks what the form documents, in
// the documented order:
//
//  1. startValidUntil (accepted only encrypted): once the fake's clock is
//     past it the form stops on PV-40018, before any other check;
//  2. token, the private-mode token: it must be in the pool (POST
//     /submission/tokens; else TK-10000), and it expires three minutes
//     after its first use or once a submission made with it is decided
//     (approved, pending or rejected; TK-10001), with a token_expired
//     webhook either way;
//  3. the applicant's choices: allowedCountries (accepted only encrypted),
//     selectedIssuingCountry and selectedIdType limit what the form
//     offers; a choice outside them is a *argos.ValidationError, as is an
//     applicant with no email when the link has none.
//
// Parameters the form takes only encrypted are ignored in a plain link.
//
// Then the form creates the submission through the same steps as POST
// /submission/step1 and /submission/step2. The ID capture follows
// ScriptStep1 (a failed capture is taken again, and counts as a try). The
// selfie gets a.Outcome; after a failed one the applicant takes another for
// each outcome ScriptStep2 has queued, and leaves when none is left (the
// submission stays incomplete, no return). The project's Policy applies
// unless the link turns it off (blacklistCountries, ageLimit,
// approvePeriod or rejectPeriod false; rejectDuplicateUser true or false
// overrides the policy). The webhooks a project receives go out in order:
// created, retry for each further failed try, then submit, approved and
// aml, or rejected, then token_expired when the link had a token. The
// submission carries the link's email, userid, cf1–cf3 and token
// (tokenId).
//
// Liveform is not an API request: Requests does not list it, and faults do
// not apply to it. Any pid is this project's.
//
// A link that is not the hosted form's, has no pid, does not decrypt or
// opens the injection page (action=addveri, not modelled) is a
// *argos.ValidationError that never quotes the link.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/getting-started/liveform-url/querystring-and-token-guide
// and https://developers.argosidentity.com/en/idcheck/getting-started/liveform-url/return-url-guide
func (fk *fake) Liveform(ctx context.Context, link string, a Applicant) (*LiveformResult, error) {
	if ctx == nil {
		return nil, &argos.ValidationError{Field: "ctx", Reason: "is nil"}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("argostest: liveform: %w", err)
	}
	l, err := fk.parseLink(link)
	if err != nil {
		return nil, err
	}
	if _, err := fk.returnURL(nil); err != nil {
		return nil, err
	}
	fk.mu.Lock()
	defer fk.mu.Unlock()
	now := fk.now()
	fk.settle(now)
	if code := fk.linkError(l, now); code != "" {
		u, err := fk.returnURL(l.errorReturn(code))
		return &LiveformResult{ReturnURL: u, ErrorCode: code}, err
	}
	form, err := l.fill(a)
	if err != nil {
		return nil, err
	}
	s, err := fk.playForm(l, form, a.Outcome, now)
	if err != nil {
		return nil, err
	}
	if !s.finished() {
		return &LiveformResult{SubmissionID: s.id}, nil // the applicant left: no return
	}
	u, err := fk.returnURL([][2]string{
		{"submissionId", s.id}, {"kycStatus", s.result}, {"userid", s.userID}, {"email", s.email},
		{"cf1", s.cf[0]}, {"cf2", s.cf[1]}, {"cf3", s.cf[2]},
	})
	return &LiveformResult{ReturnURL: u, SubmissionID: s.id}, err
}

// linkError is the code of the error page the form stops on before the
// applicant can start, "" when it opens. Caller holds fk.mu.
func (fk *fake) linkError(l *liveformLink, now time.Time) string {
	if !l.startValidUntil.IsZero() && now.After(l.startValidUntil) {
		return errStartExpired // checked before everything else
	}
	id := l.params["token"]
	if id == "" {
		return ""
	}
	tk := fk.tokens[id]
	switch {
	case tk == nil:
		return errTokenMissing
	case tk.expired != "":
		return errTokenExpired
	case !tk.firstUse.IsZero() && !now.Before(tk.firstUse.Add(tokenLifetime)):
		return errTokenExpired
	}
	return ""
}

// playForm creates the submission of a filled-in form at now and runs its
// tries. Caller holds fk.mu.
func (fk *fake) playForm(l *liveformLink, f filledForm, outcome Outcome, now time.Time) (*submission, error) {
	id := fk.cfg.ids()
	if _, taken := fk.subs[id]; taken || id == "" {
		return nil, fmt.Errorf("argostest: liveform: WithSubmissionIDs returned an empty or used ID")
	}
	if tok := l.params["token"]; tok != "" {
		if tk := fk.tokens[tok]; tk.firstUse.IsZero() {
			tk.firstUse = now
			fk.usedTokens[tok] = tk
		}
	}
	s := &submission{
		id: id, created: now, updated: now, result: resultIncomplete,
		email: f.email, userID: l.params["userid"], idType: string(f.idType), issuingCountry: f.country,
		cf: [3]string{l.params["cf1"], l.params["cf2"], l.params["cf3"]}, ip: liveformIP,
		customOptions: l.switches, tokenID: l.params["token"],
		images: map[string]*storedImage{imgID: sampleIDImage()},
	}
	fk.subs[id] = s
	ocr := deriveOCR(samplePNG(), f.email, f.country)
	if f.name != "" {
		// The same person reads the same way whatever email they use.
		ocr.Name, ocr.Gender = f.name, nameGender(f.name)
	}
	ocr.BirthDate = cmp.Or(f.dob, ocr.BirthDate)
	for isNew := true; ; isNew = false {
		o := fk.nextStep1()
		if _, failed := o.failure(); !failed {
			s.ocr = ocr
		}
		if _, failed := fk.step1Try(s, o, isNew, now, now); !failed || s.finished() {
			break
		}
	}
	if s.finished() {
		return s, nil
	}
	s.name, s.dob, s.gender, s.nationality = ocr.Name, ocr.BirthDate, ocr.Gender, f.country
	s.images[imgSelfie] = sampleSelfie()
	fk.step2Try(s, outcome, now, now)
	// After a failed selfie the applicant retries with the outcomes queued
	// by ScriptStep2, and leaves when there are none.
	for s.result == resultIncomplete && len(fk.step2Script) > 0 {
		next := fk.step2Script[0]
		fk.step2Script = fk.step2Script[1:]
		fk.step2Try(s, next, now, now)
	}
	return s, nil
}

// nameGender is the gender the fake's OCR reads for a named applicant: that
// of the sample names, else one derived from the name.
func nameGender(name string) string {
	switch {
	case slices.Contains(maleNames, name):
		return "male"
	case slices.Contains(femaleNames, name):
		return "female"
	case sha256.Sum256([]byte(strings.ToLower(name)))[0]&1 == 0:
		return "male"
	}
	return "female"
}

// sampleIDImage and sampleSelfie are the images a liveform or seeded
// submission stores: the sample card, shared (the fake never changes a
// stored image in place).
var (
	sampleIDImage = sync.OnceValue(func() *storedImage {
		return &storedImage{name: "id.png", contentType: "image/png", data: samplePNG()}
	})
	sampleSelfie = sync.OnceValue(func() *storedImage {
		return &storedImage{name: "selfie.jpg", contentType: "image/jpeg", data: sampleJPEG()}
	})
)

// returnURL is the project's return URL with params added (those with a
// value), "" without one. It fails when WithReturnURL is not an absolute
// URL.
func (fk *fake) returnURL(params [][2]string) (string, error) {
	if fk.cfg.returnURL == "" {
		return "", nil
	}
	u, err := url.Parse(fk.cfg.returnURL)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return "", &argos.ValidationError{Field: "WithReturnURL", Reason: "is not an absolute URL"}
	}
	q := u.Query()
	for _, p := range params {
		if p[1] != "" {
			q.Set(p[0], p[1])
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// liveformLink is a parsed liveform link.
type liveformLink struct {
	// params are the link's parameters other than pid, lang and encrypted,
	// the decrypted ones included; a parameter the form takes only
	// encrypted is here only when it came encrypted.
	params map[string]string
	// switches are the policy switches as customOptions holds them:
	// blacklistCountries, approvePeriod, rejectPeriod, ageLimit (false
	// only) and rejectDuplicateUser (true or false).
	switches        map[string]any
	startValidUntil time.Time
}

// encryptedOnly are the parameters the form takes only encrypted.
var encryptedOnly = []string{"allowedCountries", "auxidField", "knowledgeField", "knowledgePrefill", "startValidUntil"}

// badLink is the error of a link the fake cannot play; it never quotes the
// link, which holds personal data.
func badLink(reason string) error { return &argos.ValidationError{Field: "link", Reason: reason} }

// parseLink reads a liveform link, decrypting its encrypted parameter with
// the project's API key.
func (fk *fake) parseLink(link string) (*liveformLink, error) {
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "https" || u.Host != liveformHost {
		return nil, badLink("is not a link to the hosted liveform (" + argos.LiveformBaseURL + ")")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, badLink("has a malformed query string")
	}
	if q.Get("pid") == "" {
		return nil, badLink("has no pid (the project ID)")
	}
	l := &liveformLink{params: map[string]string{}, switches: map[string]any{}}
	for k := range q {
		if k != "pid" && k != "lang" && k != "encrypted" && !slices.Contains(encryptedOnly, k) {
			l.params[k] = q.Get(k)
		}
	}
	if enc := q.Get("encrypted"); enc != "" {
		if err := fk.decryptLink(enc, l.params); err != nil {
			return nil, err
		}
	}
	if l.params["action"] != "" {
		return nil, badLink("opens the injection page (action), which the fake does not model")
	}
	if v := l.params["startValidUntil"]; v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return nil, badLink("has a startValidUntil that is not an RFC 3339 time")
		}
		l.startValidUntil = t
	}
	for _, name := range []string{"blacklistCountries", "approvePeriod", "rejectPeriod", "ageLimit"} {
		if l.params[name] == "false" {
			l.switches[name] = false
		}
	}
	switch l.params["rejectDuplicateUser"] {
	case "true":
		l.switches["rejectDuplicateUser"] = true
	case "false":
		l.switches["rejectDuplicateUser"] = false
	}
	return l, nil
}

// decryptLink decrypts the encrypted parameter into params: its JSON
// object's strings as they are, booleans and numbers as their text.
func (fk *fake) decryptLink(enc string, params map[string]string) error {
	plain, err := argos.DecryptPayload(fk.cfg.apiKey, enc)
	if err != nil {
		return badLink("has an encrypted parameter that does not decrypt with the project's API key")
	}
	obj, ok := decodeLinkObject(plain)
	if !ok {
		return badLink("has an encrypted parameter that is not a JSON object of parameters")
	}
	for k, v := range obj {
		params[k] = v
	}
	return nil
}

// filledForm is what the applicant entered, checked against the link.
type filledForm struct {
	email, country, name, dob string
	idType                    argos.IDType
}

// fill checks the applicant's choices against what the link lets the form
// offer.
func (l *liveformLink) fill(a Applicant) (filledForm, error) {
	f := filledForm{email: cmp.Or(l.params["email"], a.Email), name: a.Name, dob: a.DateOfBirth}
	switch {
	case f.email == "":
		return f, &argos.ValidationError{Field: "Applicant.Email", Reason: "is required: the link carries no email"}
	case !emailRE.MatchString(f.email):
		return f, &argos.ValidationError{Field: "Applicant.Email", Reason: "is not an email address"}
	case a.DateOfBirth != "" && !isDate(a.DateOfBirth):
		return f, &argos.ValidationError{Field: "Applicant.DateOfBirth", Reason: "is not a YYYY-MM-DD date"}
	case a.Outcome < 0 || int(a.Outcome) >= len(outcomeNames):
		return f, &argos.ValidationError{Field: "Applicant.Outcome", Reason: "is not one of the Outcome constants"}
	}
	var allowed []string
	if v := l.params["allowedCountries"]; v != "" {
		allowed = strings.Split(strings.ToUpper(v), ",")
	}
	selected := strings.ToUpper(l.params["selectedIssuingCountry"])
	f.country = strings.ToUpper(a.IssuingCountry)
	if f.country == "" {
		f.country = cmp.Or(selected, "USA")
		if selected == "" && len(allowed) > 0 {
			f.country = allowed[0]
		}
	}
	switch {
	case !isAlpha3(f.country):
		return f, &argos.ValidationError{Field: "Applicant.IssuingCountry", Reason: "is not an ISO 3166-1 alpha-3 code"}
	case len(allowed) > 0 && !slices.Contains(allowed, f.country):
		return f, &argos.ValidationError{Field: "Applicant.IssuingCountry",
			Reason: "is not among the link's allowedCountries: the form does not offer it"}
	case selected != "" && f.country != selected:
		return f, &argos.ValidationError{Field: "Applicant.IssuingCountry",
			Reason: "differs from the link's selectedIssuingCountry: the form skips the choice"}
	}
	selectedType := argos.IDType(l.params["selectedIdType"])
	f.idType = a.IDType
	if f.idType == "" {
		f.idType = cmp.Or(selectedType, argos.IDPassport)
	}
	switch {
	case !slices.Contains(idTypes, string(f.idType)):
		return f, &argos.ValidationError{Field: "Applicant.IDType", Reason: "is not an ID type the form offers"}
	case selectedType != "" && f.idType != selectedType:
		return f, &argos.ValidationError{Field: "Applicant.IDType",
			Reason: "differs from the link's selectedIdType: the form skips the choice"}
	}
	return f, nil
}

// errorReturn is what the return URL carries from an error page: the code
// and the link's identifying parameters.
func (l *liveformLink) errorReturn(code string) [][2]string {
	return [][2]string{
		{"errorCode", code}, {"userid", l.params["userid"]}, {"email", l.params["email"]},
		{"cf1", l.params["cf1"]}, {"cf2", l.params["cf2"]}, {"cf3", l.params["cf3"]},
	}
}

// decodeLinkObject reads the decrypted parameters: a JSON object whose
// strings are kept as they are and whose booleans and numbers become their
// text; ok is false for anything else.
func decodeLinkObject(plain []byte) (map[string]string, bool) {
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.UseNumber()
	var obj map[string]any
	if dec.Decode(&obj) != nil || obj == nil {
		return nil, false
	}
	out := make(map[string]string, len(obj))
	for k, v := range obj {
		switch v := v.(type) {
		case string:
			out[k] = v
		case bool, json.Number:
			out[k] = fmt.Sprint(v)
		default:
			return nil, false
		}
	}
	return out, true
}

func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func isAlpha3(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
