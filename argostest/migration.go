package argostest

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// migrationRoutes is the v3 migration of a submission from another provider.
var migrationRoutes = []route{
	{"POST /v3/submission/migration", onlyV3, flagged((*Handler).migrate)},
}

// migrationIDTypes are the idType values a migration accepts: the field
// table's long names and the "drvlic" of the page's example
// (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/post-submission).
var migrationIDTypes = append(slices.Clip(idTypes), "drvlic")

var alpha3RE = regexp.MustCompile(`^[A-Z]{3}$`)

// migrationInput is the body of POST /submission/migration.
type migrationInput struct {
	Admin          string `json:"admin"`
	Email          string `json:"email"`
	FullName       string `json:"fullName"`
	FirstName      string `json:"firstName"`
	LastName       string `json:"lastName"`
	BirthDate      string `json:"birthDate"`
	KYCStatus      string `json:"kycStatus"`
	IDType         string `json:"idType"`
	IssuingCountry string `json:"issuingCountry"`
	Nationality    string `json:"nationality"`
	Gender         string `json:"gender"`
	IssueDate      string `json:"issueDate"`
	ExpireDate     string `json:"expireDate"`
	IPAddress      string `json:"ipAddress"`
	IdentityNumber string `json:"identityNumber"`
	DocumentNumber string `json:"documentNumber"`
	AddressCity    string `json:"address_city"`
	AddressCountry string `json:"address_country"`
	AddressState   string `json:"address_state"`
	AddressStreet  string `json:"address_street"`
	AddressFull    string `json:"address_full"`
	CF1            string `json:"cf1"`
	CF2            string `json:"cf2"`
	CF3            string `json:"cf3"`
	UserID         string `json:"userid"`
}

// badFormat names the first parameter whose value has the wrong format, or
// "".
func (in *migrationInput) badFormat() string {
	date := func(v string) bool { _, err := time.Parse(time.DateOnly, v); return v == "" || err == nil }
	switch {
	case !emailRE.MatchString(in.Email):
		return "email"
	case !date(in.BirthDate):
		return "birthDate"
	case in.KYCStatus != resultApproved && in.KYCStatus != resultRejected:
		return "kycStatus"
	case in.IDType != "" && !slices.Contains(migrationIDTypes, in.IDType):
		return "idType"
	case in.IssuingCountry != "" && !alpha3RE.MatchString(in.IssuingCountry):
		return "issuingCountry"
	case in.Nationality != "" && !alpha3RE.MatchString(in.Nationality):
		return "nationality"
	case in.Gender != "" && in.Gender != "male" && in.Gender != "female":
		return "gender"
	case !date(in.IssueDate):
		return "issueDate"
	case !date(in.ExpireDate):
		return "expireDate"
	}
	return ""
}

// migrate serves POST /submission/migration: it inserts a submission as
// given, with no verification; GET /submission lists it like any other.
func (h *Handler) migrate(w http.ResponseWriter, _ *http.Request, b *body) {
	var in migrationInput
	unknown, ok := decodeObject(b.raw, &in)
	switch {
	case !ok:
		writeError(w, "invalid_payload", "Invalid payload")
		return
	case unknown != "":
		writeError(w, "invalid_parameter", "invalid parameter: "+unknown)
		return
	case strings.TrimSpace(in.Admin) == "" || in.Email == "" || in.FullName == "" || in.BirthDate == "" || in.KYCStatus == "":
		writeError(w, "missing_data", "Required input data is missing")
		return
	case !h.isAdmin(in.Admin):
		writeError(w, "invalid_admin", "Invalid admin")
		return
	}
	if p := in.badFormat(); p != "" {
		writeError(w, "invalid_format", "invalid format: "+p)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	id := h.cfg.ids()
	if _, taken := h.subs[id]; taken || id == "" {
		writeError(w, "processing_error", "Failed to complete migration")
		return
	}
	h.insertMigrated(id, &in, h.now())
	writeJSON(w, http.StatusOK, map[string]string{"message": "success", "submissionId": id})
}

// insertMigrated creates the migrated submission (the migration
// transition). Caller holds fk.mu.
func (fk *fake) insertMigrated(id string, in *migrationInput, now time.Time) *submission {
	s := &submission{
		id: id, created: now, updated: now, migrated: true, images: map[string]*storedImage{},
		email: in.Email, userID: in.UserID, idType: in.IDType, issuingCountry: in.IssuingCountry,
		cf: [3]string{in.CF1, in.CF2, in.CF3}, ip: in.IPAddress,
		name: in.FullName, firstName: in.FirstName, lastName: in.LastName, dob: in.BirthDate,
		gender: in.Gender, nationality: in.Nationality, issueDate: in.IssueDate, expiryDate: in.ExpireDate,
		identityNumber: in.IdentityNumber, documentNumber: in.DocumentNumber,
		addrCity: in.AddressCity, addrCountry: in.AddressCountry, addrState: in.AddressState,
		addrStreet: in.AddressStreet, formattedAddress: in.AddressFull,
	}
	fk.subs[id] = s
	if in.KYCStatus == resultApproved {
		fk.approve(s, now)
	} else {
		s.reject(now, "Migrated as rejected", "other")
	}
	return s
}
