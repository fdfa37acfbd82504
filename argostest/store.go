package argostest

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// timeLayout is how the fake writes timestamps: RFC 3339 in UTC with
// milliseconds, as in the API guide's sample ("2022-04-07T00:30:35.919Z").
const timeLayout = "2006-01-02T15:04:05.000Z"

// maxTries is the number of tries (Step 1 retries plus Step 2 tries that
// failed) after which a submission is rejected with "too_many_retry".
const maxTries = 3

// Image types of GET /image and of the "image" object (https://developers.argosidentity.com/ko/idcheck/api-reference/api-reference-guide/get-image.md).
const (
	imgID      = "idImage"
	imgIDBack  = "idBackImage"
	imgSelfie  = "selfieImage"
	imgAddress = "addressImage"
)

// KYC results (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/get-submission-response-fields).
const (
	resultApproved   = "approved"
	resultRejected   = "rejected"
	resultPending    = "pending"
	resultIncomplete = "incomplete"
)

// storedImage is one stored upload.
type storedImage struct {
	name        string // file name the client sent
	contentType string // detected from the bytes
	data        []byte
}

// ext is the file extension GET /image names the download with.
func (im *storedImage) ext() string {
	if im.contentType == "image/png" {
		return "png"
	}
	return "jpg"
}

// ocrData is what Step 1 "reads" from the ID image.
type ocrData struct {
	IssueDate   string `json:"ocr_issueDate"`
	Gender      string `json:"ocr_gender"`
	Nationality string `json:"ocr_nationality"`
	BirthDate   string `json:"ocr_birthDate"`
	Name        string `json:"ocr_name"`
}

// attempt is one Step 2 try, as listed in kyc.attempts.
type attempt struct {
	count              int
	liveness, face     *int
	params             verificationParams
	verificationResult string
	retryMsg           string
}

// verificationParams is the data a Step 2 try was verified with.
type verificationParams struct {
	FullName       string `json:"fullName,omitempty"`
	IDType         string `json:"idType,omitempty"`
	IssueDate      string `json:"issueDate,omitempty"`
	IdentityNumber string `json:"identityNumber,omitempty"`
	DocumentNumber string `json:"documentNumber,omitempty"`
	LicenseNumber  string `json:"licenseNumber,omitempty"`
	SerialNumber   string `json:"serialNumber,omitempty"`
}

// amlState is the AML screening result of an approved submission.
type amlState struct {
	status      string // "Not Screened" or "Red Flag"
	risk        string // "Not Screened", "HIGH", …
	resourceIDs []string
}

// submission is the fake's record of one KYC submission.
type submission struct {
	id                                    string
	created, updated, resultAt, pendingAt time.Time

	// Step 1.
	email, userID, idType, issuingCountry string
	cf                                    [3]string
	ip                                    string
	customOptions                         map[string]any
	ocr                                   ocrData
	step1OK                               bool   // a Step 1 try read the ID
	tokenID                               string // the private-mode token of a liveform submission

	// Step 2 (the data the applicant confirmed).
	name, dob, gender, nationality                        string
	identityNumber, licenseNumber, documentNumber, serial string
	issueDate, expiryDate                                 string
	globalCode, compoundCode, formattedAddress            string
	addressInput, addressDetail                           string

	images map[string]*storedImage

	// Set by the v3 management endpoints: names an admin corrected
	// (PATCH), address fields of a migration, the reviewer who decided.
	firstName, lastName                          string
	firstErased, lastErased                      bool // erased by a partial delete
	addrCity, addrCountry, addrState, addrStreet string
	reviewer                                     string
	migrated                                     bool

	result      string
	comment     []string
	commentCode []string
	retryCount  int
	attempts    []attempt

	applicantID, dupInfo string
	aml                  *amlState

	deleted bool
}

// newID returns 16 random lowercase letters and digits, the shape of the
// API's submission IDs ("1cz94l9ksfi1bokk").
func newID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("argostest: crypto/rand: %v", err))
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// hashID derives 16 lowercase letters and digits from parts, so that IDs
// the fake makes up (applicant IDs, AML resource IDs) are deterministic.
func hashID(parts ...string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	b := make([]byte, 16)
	for i := range b {
		b[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(b)
}

// randomKey returns a fresh API key: "test_" and 32 hex digits.
func randomKey() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("argostest: crypto/rand: %v", err))
	}
	return "test_" + hex.EncodeToString(b[:])
}

var (
	maleNames   = []string{"John Smith", "Lucas Silva", "Wei Chen", "Omar Haddad", "Min-jun Park", "Pierre Martin"}
	femaleNames = []string{"Jane Doe", "Maria Garcia", "Amara Okafor", "Sofia Rossi", "Ji-woo Kim", "Anna Novak"}
)

// deriveOCR makes up the OCR result of an ID image. It depends only on the
// image bytes, the email and the issuing country, so the same upload always
// "reads" the same way.
func deriveOCR(img []byte, email, country string) ocrData {
	h := sha256.New()
	h.Write(img)
	h.Write([]byte{0})
	h.Write([]byte(strings.ToLower(email)))
	h.Write([]byte{0})
	h.Write([]byte(country))
	sum := h.Sum(nil)
	n := func(i int) int { return int(binary.BigEndian.Uint32(sum[i:i+4]) & 0x7fffffff) }

	o := ocrData{Nationality: country}
	if sum[0]&1 == 0 {
		o.Gender = "male"
		o.Name = maleNames[n(4)%len(maleNames)]
	} else {
		o.Gender = "female"
		o.Name = femaleNames[n(4)%len(femaleNames)]
	}
	birthBase := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)
	o.BirthDate = birthBase.AddDate(0, 0, n(8)%(45*365)).Format(time.DateOnly)
	issueBase := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	o.IssueDate = issueBase.AddDate(0, 0, n(12)%3000).Format(time.DateOnly)
	return o
}

// duplicatedInformation derives the duplicate-check ID from name, date of
// birth, gender and nationality; it is empty unless all four are known
// (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/get-submission-response-fields).
func duplicatedInformation(name, dob, gender, nationality string) string {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	if norm(name) == "" || dob == "" || gender == "" || nationality == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{norm(name), dob, norm(gender), strings.ToUpper(nationality)}, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// maskID masks an identity number the way the API's samples do
// ("981112-1******"): the first eight characters stay, the rest become '*'.
func maskID(s string) string {
	r := []rune(s)
	keep := 8
	if len(r) <= keep {
		keep = len(r) / 2
	}
	for i := keep; i < len(r); i++ {
		r[i] = '*'
	}
	return string(r)
}

// maskIP masks the last part of an IPv4 address ("127.0.0.*"); anything else
// becomes "*.*.*.*".
func maskIP(ip string) string {
	if ip == "" {
		return ""
	}
	parts := strings.Split(ip, ".")
	if len(parts) != 4 {
		return "*.*.*.*"
	}
	return strings.Join(parts[:3], ".") + ".*"
}

// fullName returns the name the applicant confirmed in Step 2, else the OCR
// name.
func (s *submission) fullName() string {
	if s.name != "" {
		return s.name
	}
	return s.ocr.Name
}

func (s *submission) finished() bool { return s.result != resultIncomplete }

// --- JSON rendering --------------------------------------------------------

type itemData struct {
	Name           string `json:"name,omitempty"`
	FirstName      string `json:"first_name,omitempty"`
	LastName       string `json:"last_name,omitempty"`
	Gender         string `json:"gender,omitempty"`
	Nationality    string `json:"nationality,omitempty"`
	DateOfBirth    string `json:"date_of_birth,omitempty"`
	CF1            string `json:"cf1,omitempty"`
	CF2            string `json:"cf2,omitempty"`
	CF3            string `json:"cf3,omitempty"`
	IPAddress      string `json:"ip_address,omitempty"`
	IssuingCountry string `json:"idcard_issuingCountry,omitempty"`
	IssueDate      string `json:"idcard_issueDate,omitempty"`
	ExpireDate     string `json:"idcard_expireDate,omitempty"`
	IDType         string `json:"idType,omitempty"`
	IdentityNumber string `json:"identityNumber,omitempty"`
	DocumentNumber string `json:"documentNumber,omitempty"`
	AddressCity    string `json:"address_city,omitempty"`
	AddressCountry string `json:"address_country,omitempty"`
	AddressState   string `json:"address_state,omitempty"`
	AddressStreet  string `json:"address_street,omitempty"`
	GlobalCode     string `json:"address_globalCode,omitempty"`
	CompoundCode   string `json:"address_compoundCode,omitempty"`
	Formatted      string `json:"address_formatted,omitempty"`
	AddressInput   string `json:"address_input,omitempty"`
	AddressDetail  string `json:"address_detail,omitempty"`
}

type itemAttempt struct {
	AttemptCnt          int                 `json:"attemptCnt"`
	LivenessScore       *int                `json:"livenessScore,omitempty"`
	FaceSimilarityScore *int                `json:"faceSimilarityScore,omitempty"`
	VerificationParams  *verificationParams `json:"verificationParams,omitempty"`
	VerificationResult  string              `json:"verificationResult,omitempty"`
	RetryMsg            string              `json:"retryMsg,omitempty"`
}

type itemKYC struct {
	Result      string        `json:"result"`
	Comment     []string      `json:"comment,omitempty"`
	CommentCode []string      `json:"commentCode,omitempty"`
	Attempts    []itemAttempt `json:"attempts,omitempty"`
}

type itemAML struct {
	CurrentStatus    string   `json:"currentstatus"`
	RiskLevelSummary string   `json:"risk_level_summary"`
	ResourceIDs      []string `json:"resourceIds,omitempty"`
}

type projectOptions struct {
	AML            bool `json:"option_aml"`
	AddressData    bool `json:"option_addressData"`
	ApprovePeriod  int  `json:"policy_approvePeriod"`
	IDNumber       bool `json:"option_idNumber"`
	BlacklistCntry bool `json:"policy_blacklistCountries"`
}

type item struct {
	Data                  itemData          `json:"data"`
	Email                 string            `json:"email,omitempty"`
	SubmissionID          string            `json:"submission_id"`
	UserID                string            `json:"userid,omitempty"`
	CreatedAt             string            `json:"created_at"`
	UpdatedAt             string            `json:"updated_at,omitempty"`
	KYCResultAt           string            `json:"kyc_result_at,omitempty"`
	PendingAt             string            `json:"pending_at,omitempty"`
	Reviewer              string            `json:"reviewer,omitempty"`
	ApplicantID           string            `json:"applicant_id,omitempty"`
	DuplicatedInformation string            `json:"duplicated_information,omitempty"`
	TokenID               string            `json:"tokenId,omitempty"`
	Image                 map[string]string `json:"image,omitempty"`
	KYC                   itemKYC           `json:"kyc"`
	AML                   *itemAML          `json:"aml,omitempty"`
	ProjectOptions        *projectOptions   `json:"project_options,omitempty"`
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// render returns the submission as GET /submission shows it. full is the
// single-submission shape; list items carry fewer fields (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/get-submission: "only
// the single-submission query returns the full field set").
func (s *submission) render(full bool) item {
	if s.deleted {
		// https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/delete-submission: only submission ID, date, ID type and status remain.
		return item{
			Data:         itemData{Name: "Deleted Submission", IDType: s.idType},
			SubmissionID: s.id,
			CreatedAt:    fmtTime(s.created),
			KYC:          itemKYC{Result: s.result},
		}
	}
	it := item{
		Data: itemData{
			Name:        s.fullName(),
			Gender:      s.renderGender(),
			Nationality: s.renderNationality(),
			DateOfBirth: s.renderDOB(),
			CF1:         s.cf[0],
			CF2:         s.cf[1],
			CF3:         s.cf[2],
			IPAddress:   maskIP(s.ip),
		},
		Email:        s.email,
		SubmissionID: s.id,
		UserID:       s.userID,
		CreatedAt:    fmtTime(s.created),
		PendingAt:    fmtTime(s.pendingAt),
		Reviewer:     cmp.Or(s.reviewer, "system"),
		KYC:          itemKYC{Result: s.result, Comment: s.comment, CommentCode: s.commentCode},
	}
	if full {
		s.renderDetails(&it)
	}
	return it
}

// renderDetails adds the fields only the single-submission shape carries.
func (s *submission) renderDetails(it *item) {
	if i := strings.LastIndexByte(it.Data.Name, ' '); i > 0 {
		it.Data.FirstName, it.Data.LastName = it.Data.Name[:i], it.Data.Name[i+1:]
	}
	it.Data.FirstName = cmp.Or(s.firstName, it.Data.FirstName)
	it.Data.LastName = cmp.Or(s.lastName, it.Data.LastName)
	if s.firstErased {
		it.Data.FirstName = ""
	}
	if s.lastErased {
		it.Data.LastName = ""
	}
	it.Data.AddressCity, it.Data.AddressCountry = s.addrCity, s.addrCountry
	it.Data.AddressState, it.Data.AddressStreet = s.addrState, s.addrStreet
	it.Data.IssuingCountry = s.issuingCountry
	it.Data.IssueDate = s.issueDate
	if it.Data.IssueDate == "" {
		it.Data.IssueDate = s.ocr.IssueDate
	}
	it.Data.ExpireDate = s.expiryDate
	it.Data.IDType = s.idType
	if s.identityNumber != "" {
		it.Data.IdentityNumber = maskID(s.identityNumber)
	}
	it.Data.DocumentNumber = s.documentNumber
	it.Data.GlobalCode = s.globalCode
	it.Data.CompoundCode = s.compoundCode
	it.Data.Formatted = s.formattedAddress
	it.Data.AddressInput = s.addressInput
	it.Data.AddressDetail = s.addressDetail

	it.UpdatedAt = fmtTime(s.updated)
	it.KYCResultAt = fmtTime(s.resultAt)
	it.ApplicantID = s.applicantID
	it.DuplicatedInformation = s.dupInfo
	it.TokenID = s.tokenID
	if len(s.images) > 0 {
		it.Image = make(map[string]string, len(s.images))
		for typ, im := range s.images {
			it.Image[typ] = s.id + "/" + typ + "." + im.ext()
		}
	}
	for _, a := range s.attempts {
		p := a.params
		it.KYC.Attempts = append(it.KYC.Attempts, itemAttempt{
			AttemptCnt:          a.count,
			LivenessScore:       a.liveness,
			FaceSimilarityScore: a.face,
			VerificationParams:  &p,
			VerificationResult:  a.verificationResult,
			RetryMsg:            a.retryMsg,
		})
	}
	if s.aml != nil {
		it.AML = &itemAML{CurrentStatus: s.aml.status, RiskLevelSummary: s.aml.risk, ResourceIDs: s.aml.resourceIDs}
	}
	it.ProjectOptions = &projectOptions{AML: true, IDNumber: true, ApprovePeriod: 0}
}
