package argostest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// scrubRule turns one personal value into a fake of the same format. Every
// rule is idempotent: scrubbing a scrubbed value returns it unchanged, so a
// value a replayed response carried (a pseudonymous user ID) matches the
// recorded request that used it.
type scrubRule struct {
	str func(s *scrubber, v string) string
	// num replaces a JSON number under the key with 0 (an ID number or a
	// date sent as a number).
	num bool
}

func fixedRule(fake string) *scrubRule {
	return &scrubRule{str: func(_ *scrubber, v string) string { return fake }}
}

func dateRule(fake string) *scrubRule {
	return &scrubRule{str: func(_ *scrubber, v string) string { return fakeDate(v, fake) }, num: true}
}

var (
	ruleName = &scrubRule{str: func(s *scrubber, v string) string {
		switch t := strings.TrimSpace(v); {
		case t == deletedMarker:
			return v
		case scrubEmailFull.MatchString(t):
			return s.email(t)
		}
		return "Test Applicant"
	}}
	ruleFirstName  = fixedRule("Test")
	ruleLastName   = fixedRule("Applicant")
	ruleBirthDate  = dateRule("1990-01-01")
	ruleIssueDate  = dateRule("2020-01-01")
	ruleExpiryDate = dateRule("2030-01-01")
	ruleEmail      = &scrubRule{str: (*scrubber).email}
	ruleNumber     = &scrubRule{str: func(_ *scrubber, v string) string { return maskText(v) }, num: true}
	ruleIP         = &scrubRule{str: func(_ *scrubber, v string) string { return fakeIP(v) }, num: true}
	ruleAddress    = fixedRule("1 Test Street, Testville, Testland")
	ruleStreet     = fixedRule("1 Test Street")
	ruleDetail     = fixedRule("Apt 1")
	ruleCity       = fixedRule("Testville")
	ruleState      = fixedRule("Test State")
	ruleCountry    = &scrubRule{str: func(_ *scrubber, v string) string {
		if scrubCountryCode.MatchString(v) {
			return v
		}
		return "Testland"
	}}
	rulePlusCode     = &scrubRule{str: func(_ *scrubber, v string) string { return maskText(v) }}
	ruleCompoundCode = &scrubRule{str: func(_ *scrubber, v string) string {
		code, _, ok := strings.Cut(strings.TrimSpace(v), " ")
		if !ok {
			return maskText(v)
		}
		return maskText(code) + " Testville, Testland"
	}}
	ruleSecret  = fixedRule("REDACTED")
	ruleUserID  = &scrubRule{str: (*scrubber).userID}
	ruleDupInfo = &scrubRule{str: (*scrubber).dupInfo}
	rulePerson  = &scrubRule{str: func(s *scrubber, v string) string {
		switch t := strings.TrimSpace(v); {
		case strings.EqualFold(t, "system"):
			return v
		case scrubEmailFull.MatchString(t):
			return s.email(t)
		}
		return "Test Reviewer"
	}}
	// ruleGeneric scrubs a value whose meaning is unknown but whose
	// context is personal: an email or IP address becomes its placeholder,
	// anything else keeps its shape with letters X and digits 0.
	ruleGeneric = &scrubRule{str: func(s *scrubber, v string) string {
		t := strings.TrimSpace(v)
		switch {
		case scrubEmailFull.MatchString(t):
			return s.email(t)
		case looksLikeIP(t):
			return fakeIP(t)
		}
		return maskText(v)
	}}
)

// deletedMarker is the name GET /submission shows for a deleted
// submission (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/delete-submission); it is kept so a replay can tell.
const deletedMarker = "Deleted Submission"

// scrubKeys maps normalised keys (lower case, without "_", "-", "." and
// spaces) to their rule. A key whose rule is ruleGeneric opens a personal
// subtree: its unknown descendants are scrubbed too.
var scrubKeys = map[string]*scrubRule{
	"name": ruleName, "fullname": ruleName, "applicantname": ruleName, "holdername": ruleName,
	"firstname": ruleFirstName, "givenname": ruleFirstName, "middlename": ruleFirstName,
	"lastname": ruleLastName, "surname": ruleLastName, "familyname": ruleLastName,

	"dateofbirth": ruleBirthDate, "birthdate": ruleBirthDate, "dob": ruleBirthDate, "birthday": ruleBirthDate,
	"issuedate": ruleIssueDate, "dateofissue": ruleIssueDate, "idcardissuedate": ruleIssueDate,
	"expiredate": ruleExpiryDate, "expirydate": ruleExpiryDate, "expirationdate": ruleExpiryDate,
	"dateofexpiry": ruleExpiryDate, "idcardexpiredate": ruleExpiryDate, "expirydateofstaykor": ruleExpiryDate,

	"email": ruleEmail, "emailaddress": ruleEmail, "adminemail": ruleEmail,

	"identitynumber": ruleNumber, "idnumber": ruleNumber, "documentnumber": ruleNumber,
	"serialnumber": ruleNumber, "licensenumber": ruleNumber, "ssnnumber": ruleNumber, "ssn": ruleNumber,
	"phonenumber": ruleNumber, "phone": ruleNumber, "mobile": ruleNumber, "passportnumber": ruleNumber,
	"personalnumber": ruleNumber, "rrn": ruleNumber, "mrz": ruleNumber,
	"addresszipcode": ruleNumber, "zipcode": ruleNumber, "postalcode": ruleNumber,

	"ipaddress": ruleIP, "ip": ruleIP, "clientip": ruleIP,

	"address": ruleAddress, "formattedaddress": ruleAddress, "addressformatted": ruleAddress,
	"fulladdress": ruleAddress, "addressinput": ruleAddress,
	"addressstreet": ruleStreet, "addressstreet2": ruleDetail, "addressdetail": ruleDetail,
	"addresscity": ruleCity, "addressstate": ruleState, "addresscountry": ruleCountry,
	"globalcode": rulePlusCode, "addressglobalcode": rulePlusCode,
	"compoundcode": ruleCompoundCode, "addresscompoundcode": ruleCompoundCode,

	"userid":                ruleUserID,
	"duplicatedinformation": ruleDupInfo, "customduplicatedinformation": ruleDupInfo,
	"reviewer": rulePerson, "adminname": rulePerson, "admin": rulePerson,

	// v3 management bodies: a reviewer's comment may name the applicant,
	// the fields a review corrects are personal, token IDs are access
	// tokens of the liveform.
	"rejectcomment": ruleGeneric, "rejectedcomment": ruleGeneric, "updatefields": ruleGeneric,
	"tokenid": ruleSecret,

	"key": ruleSecret, "apikey": ruleSecret, "xapikey": ruleSecret, "token": ruleSecret,
	"accesstoken": ruleSecret, "signature": ruleSecret, "sig": ruleSecret, "password": ruleSecret,
	"secret": ruleSecret, "clientsecret": ruleSecret, "authorization": ruleSecret,
	"xamzsignature": ruleSecret, "xamzcredential": ruleSecret, "xamzsecuritytoken": ruleSecret,

	"verificationparams": ruleGeneric, "ocr": ruleGeneric, "ocrraw": ruleGeneric,
	"review": ruleGeneric, "memo": ruleGeneric, "data": ruleGeneric,
}

// neutralKeys are kept even inside a personal subtree: enumerations, the
// integrator's custom fields, scores, IDs and timestamps.
var neutralKeys = map[string]bool{
	"idtype": true, "gender": true, "sex": true, "nationality": true, "issuingcountry": true,
	"idcardissuingcountry": true, "agegroup": true, "cf1": true, "cf2": true, "cf3": true,
	"type": true, "documenttype": true, "accepted": true, "rotate": true, "createdat": true,
	"updatedat": true, "submissionid": true, "applicantid": true, "resourceid": true,
	"status": true, "result": true, "typeofpermit": true, "typeofpermitgovkor": true,
	"nationalitygovkor": true, "confidence": true,
}

var (
	scrubEmailFull    = regexp.MustCompile(`^[^@\s"'<>]+@[^@\s"'<>]+\.[^@\s"'<>.]+$`)
	scrubEmailAny     = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	scrubQueryParam   = regexp.MustCompile(`([?&;])([A-Za-z][A-Za-z0-9_.\-]*)=([^&\s"'<>#;]*)`)
	scrubEncodedEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+%40[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	scrubIPv4Any      = regexp.MustCompile(`\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\b`)
	scrubRRNAny       = regexp.MustCompile(`\b[0-9]{6}-[0-9][0-9*]{6}`)
	scrubPseudoEmail  = regexp.MustCompile(`^applicant-[0-9a-f]{8}@example\.com$`)
	scrubPseudoUser   = regexp.MustCompile(`^user-[0-9a-f]{8}$`)
	scrubCountryCode  = regexp.MustCompile(`^[A-Z]{2,3}$`)
	scrubPseudoDup    = regexp.MustCompile(`^dup-[0-9a-f]{8}$`)
	scrubDate         = regexp.MustCompile(`^[0-9]{4}([-./])[0-9]{2}([-./])[0-9]{2}`)
	scrubDate8        = regexp.MustCompile(`^[0-9]{8}$`)
	// scrubPair finds "key": "value" (or 'value', or an unquoted key) in a
	// text that is not valid JSON, such as the vendor's JS-literal samples.
	scrubPair = regexp.MustCompile(`(["']?)([A-Za-z_][A-Za-z0-9_.\-]*)(["']?)(\s*:\s*)(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')`)
)

// scrubber applies the rules with a salted hash for pseudonyms.
type scrubber struct {
	salt  []byte
	extra map[string]bool
}

func newScrubber(cfg *fixtureConfig) *scrubber {
	s := &scrubber{salt: []byte(cfg.salt), extra: map[string]bool{}}
	for _, k := range cfg.extra {
		s.extra[normKey(k)] = true
	}
	return s
}

// normKey lowers a key and drops separators: "date_of_birth",
// "dateOfBirth" and "Date-Of-Birth" are all "dateofbirth".
func normKey(k string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '.', ' ':
			return -1
		}
		return unicode.ToLower(r)
	}, k)
}

// rule returns the rule for a key under a parent with rule parent (nil
// outside personal subtrees).
func (s *scrubber) rule(key string, parent *scrubRule) *scrubRule {
	n := normKey(key)
	if r, ok := scrubKeys[n]; ok {
		return r
	}
	if s.extra[n] {
		return ruleGeneric
	}
	// OCR fields: "ocr_name", "ocr_birthDate", "ocrIdentityNumber".
	if rest, ok := strings.CutPrefix(n, "ocr"); ok && rest != "" {
		if r, ok := scrubKeys[rest]; ok {
			return r
		}
		if neutralKeys[rest] {
			return nil
		}
		return ruleGeneric
	}
	if neutralKeys[n] || strings.HasSuffix(n, "score") || strings.HasSuffix(n, "image") {
		return nil
	}
	if strings.HasPrefix(n, "address") {
		return ruleAddress
	}
	return parent
}

// apply scrubs one string value under rule r; outside personal keys only
// emails, IPv4 addresses and resident registration numbers inside the text
// are replaced.
func (s *scrubber) apply(r *scrubRule, v string) string {
	if v == "" {
		return v
	}
	if r == nil {
		return s.freeText(v)
	}
	return r.str(s, v)
}

// field scrubs one form field or query value.
func (s *scrubber) field(key, v string) string { return s.apply(s.rule(key, nil), v) }

// values scrubs query parameters or form fields.
func (s *scrubber) values(q url.Values) map[string][]string {
	out := make(map[string][]string, len(q))
	for k, vs := range q {
		sv := make([]string, len(vs))
		for i, v := range vs {
			sv[i] = s.field(k, v)
		}
		out[k] = sv
	}
	return out
}

// location scrubs a redirect target: no user info or fragment, the query
// scrubbed like a request's (signatures and tokens become "REDACTED").
func (s *scrubber) location(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return ""
	}
	u.User = nil
	u.Fragment = ""
	if u.RawQuery != "" {
		u.RawQuery = url.Values(s.values(u.Query())).Encode()
	}
	return u.String()
}

// walk scrubs a decoded JSON value in place and returns it.
func (s *scrubber) walk(v any, r *scrubRule) any {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			x[k] = s.walk(child, s.rule(k, r))
		}
	case []any:
		for i := range x {
			x[i] = s.walk(x[i], r)
		}
	case string:
		return s.apply(r, x)
	case json.Number:
		if r != nil && r.num {
			return json.Number("0")
		}
	}
	return v
}

// jsonBody scrubs a decoded JSON body and encodes it compactly.
func (s *scrubber) jsonBody(v any) json.RawMessage {
	v = s.walk(v, nil)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil
	}
	return json.RawMessage(bytes.TrimRight(b.Bytes(), "\n"))
}

// text scrubs a body that is not JSON: "key": "value" pairs by their key,
// then free text.
func (s *scrubber) text(v string) string {
	v = scrubPair.ReplaceAllStringFunc(v, func(m string) string {
		g := scrubPair.FindStringSubmatch(m)
		r := s.rule(g[2], nil)
		if r == nil {
			return m
		}
		if strings.HasPrefix(m[len(g[1])+len(g[2])+len(g[3])+len(g[4]):], "'") {
			return g[1] + g[2] + g[3] + g[4] + "'" + strings.ReplaceAll(s.apply(r, g[6]), "'", "") + "'"
		}
		fake, _ := json.Marshal(s.apply(r, g[5]))
		return g[1] + g[2] + g[3] + g[4] + string(fake)
	})
	return s.freeText(v)
}

// freeText replaces, anywhere in v, the values of personal query parameters
// in URLs ("?email=…", "&amp;userid=…"), emails (plain or URL-encoded),
// IPv4 addresses and Korean resident registration numbers.
func (s *scrubber) freeText(v string) string {
	if strings.Contains(v, "=") {
		v = scrubQueryParam.ReplaceAllStringFunc(v, func(m string) string {
			g := scrubQueryParam.FindStringSubmatch(m)
			r := s.rule(g[2], nil)
			if r == nil {
				return m
			}
			val, err := url.QueryUnescape(g[3])
			if err != nil {
				val = g[3]
			}
			return g[1] + g[2] + "=" + url.QueryEscape(s.apply(r, val))
		})
	}
	if strings.Contains(v, "%40") {
		v = scrubEncodedEmail.ReplaceAllStringFunc(v, func(m string) string {
			e, err := url.QueryUnescape(m)
			if err != nil {
				return maskText(m)
			}
			return url.QueryEscape(s.email(e))
		})
	}
	if strings.Contains(v, "@") {
		v = scrubEmailAny.ReplaceAllStringFunc(v, s.email)
	}
	v = scrubIPv4Any.ReplaceAllString(v, "192.0.2.1")
	return scrubRRNAny.ReplaceAllStringFunc(v, maskText)
}

// hash8 is the first 8 hex digits of HMAC-SHA256(salt, v).
func (s *scrubber) hash8(v string) string {
	m := hmac.New(sha256.New, s.salt)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))[:8]
}

// email returns "applicant-<hash8>@example.com"; emails hash in lower case.
func (s *scrubber) email(v string) string {
	t := strings.TrimSpace(v)
	if scrubPseudoEmail.MatchString(t) {
		return t
	}
	return "applicant-" + s.hash8(strings.ToLower(t)) + "@example.com"
}

// userID returns "user-<hash8>".
func (s *scrubber) userID(v string) string {
	if scrubPseudoUser.MatchString(v) {
		return v
	}
	return "user-" + s.hash8(v)
}

// dupInfo replaces a duplicate-check digest by "dup-<hash8>", so equal
// digests stay equal.
func (s *scrubber) dupInfo(v string) string {
	if scrubPseudoDup.MatchString(v) {
		return v
	}
	return "dup-" + s.hash8("dup\x00"+v)
}

// maskText keeps v's shape: digits become 0, letters X (x in lower case),
// everything else stays.
func maskText(v string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsDigit(r):
			return '0'
		case unicode.IsLower(r):
			return 'x'
		case unicode.IsLetter(r):
			return 'X'
		}
		return r
	}, v)
}

// maskDigits turns every digit of v into 0.
func maskDigits(v string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return '0'
		}
		return r
	}, v)
}

// fakeDate replaces a date by fake in the same layout (YYYY-MM-DD,
// YYYY.MM.DD, YYYY/MM/DD, YYYYMMDD; the digits of a time part become 0);
// anything else is masked.
func fakeDate(v, fake string) string {
	t := strings.TrimSpace(v)
	if m := scrubDate.FindStringSubmatch(t); m != nil {
		f := fake[:4] + m[1] + fake[5:7] + m[2] + fake[8:10]
		return f + maskDigits(t[10:])
	}
	if scrubDate8.MatchString(t) {
		return strings.ReplaceAll(fake, "-", "")
	}
	return maskText(v)
}

func looksLikeIP(v string) bool {
	if net.ParseIP(v) != nil {
		return true
	}
	parts := strings.Split(v, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789*") != "" {
			return false
		}
	}
	return true
}

// fakeIP replaces an IP address by one of the documentation ranges
// (192.0.2.1, 2001:db8::1), keeping masked octets ("10.1.2.*" becomes
// "192.0.2.*").
func fakeIP(v string) string {
	t := strings.TrimSpace(v)
	if ip := net.ParseIP(t); ip != nil {
		if ip.To4() != nil {
			return "192.0.2.1"
		}
		return "2001:db8::1"
	}
	parts := strings.Split(t, ".")
	if len(parts) == 4 {
		testNet := [4]string{"192", "0", "2", "1"}
		for i, p := range parts {
			if strings.Trim(p, "*") != "" {
				parts[i] = testNet[i]
			}
		}
		return strings.Join(parts, ".")
	}
	return maskText(v)
}
