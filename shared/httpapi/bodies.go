package httpapi

import (
	"encoding/json"
	"regexp"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/shopspring/decimal"
)

// The REST API's request bodies. Each is read by decodeJSON and turned into
// the domain's values, whose rules refuse what is wrong.

// clientBody creates a client.
type clientBody struct {
	Name     string `json:"name"`
	Document string `json:"document"`
	Email    string `json:"email"`
	Phone    string `json:"phone"`
}

// projectBody creates a project.
type projectBody struct {
	ClientID string `json:"clientId"`
	Name     string `json:"name"`
}

// legacyImportBody links an environment that already exists in Promob.
type legacyImportBody struct {
	PromobProjectID     string `json:"promobProjectId"`
	PromobEnvironmentID string `json:"promobEnvironmentId"`
	Name                string `json:"name"`
}

// newEnvironmentBody names an environment to create in Promob.
type newEnvironmentBody struct {
	Name string `json:"name"`
}

// assistanceBody opens an assistance.
type assistanceBody struct {
	ProjectID     string `json:"projectId"`
	EnvironmentID string `json:"environmentId"`
	Number        string `json:"number"`
	Description   string `json:"description"`
}

// designBody asks for an assistance's design in Promob: blank, or a copy
// of a version of its environment (Version; 0 for the converted one).
type designBody struct {
	Source  string `json:"source"`
	Version int    `json:"version,omitempty"`
}

// integrationBody configures the store's integration.
type integrationBody struct {
	CNPJ              string   `json:"cnpj"`
	PromobAccountID   string   `json:"promobAccountId"`
	SerialNumbers     []string `json:"serialNumbers"`
	ResponsibleUserID string   `json:"responsibleUserId"`
	// PromobAPIToken is the store's Promob integration token, used for the
	// calls to Promob that no linked user makes. Write-only: never answered.
	PromobAPIToken string `json:"promobApiToken,omitempty"`
	// ConnectSituation and ConnectStage, when given, replace the values
	// sent to Connect at approval (see domain.Integration.Completed).
	ConnectSituation string `json:"connectSituation,omitempty"`
	ConnectStage     string `json:"connectStage,omitempty"`
}

// integration returns the store's configuration the body sends.
func (b integrationBody) integration(storeID string) (domain.Integration, error) {
	return domain.Integration{
		StoreID: storeID, CNPJ: b.CNPJ, PromobAccountID: b.PromobAccountID, SerialNumbers: b.SerialNumbers,
		ResponsibleUserID: b.ResponsibleUserID, PromobAPIToken: b.PromobAPIToken,
		ConnectSituation: b.ConnectSituation, ConnectStage: b.ConnectStage,
	}.Validate()
}

// linkBody links the caller's Promob account.
type linkBody struct {
	PromobUser     string `json:"promobUser"`
	PromobPassword string `json:"promobPassword"`
}

// manualItemBody adds a manual item (description, quantity and unitPrice
// required) or changes one (any of the fields). Quantity and UnitPrice are
// a JSON number (2.5) or a JSON string holding one ("2.50"), read from
// their text and never through a float. A null field is the same as an
// absent one.
type manualItemBody struct {
	Description *string         `json:"description"`
	Reference   *string         `json:"reference"`
	Quantity    json.RawMessage `json:"quantity"`
	UnitPrice   json.RawMessage `json:"unitPrice"`
}

// item returns the new manual item the body describes, or an *Error naming
// the first wrong field: invalid_request for a required field absent or a
// value out of the rules (domain.NewManualItem), malformed_json for a
// number that is neither a JSON number nor a string.
func (b manualItemBody) item() (domain.ManualItem, error) {
	switch {
	case b.Description == nil:
		return domain.ManualItem{}, domain.Invalid("description is required.")
	case isAbsent(b.Quantity):
		return domain.ManualItem{}, domain.Invalid("quantity is required.")
	case isAbsent(b.UnitPrice):
		return domain.ManualItem{}, domain.Invalid("unitPrice is required.")
	}
	p, err := b.read()
	if err != nil {
		return domain.ManualItem{}, err
	}
	var reference string
	if p.Reference != nil {
		reference = *p.Reference
	}
	return domain.NewManualItem(*p.Description, reference, *p.Quantity, *p.UnitPrice)
}

// patch returns the change the body describes, or an *Error naming the
// first wrong field as item does (or saying it changes nothing).
func (b manualItemBody) patch() (domain.ManualItemPatch, error) {
	p, err := b.read()
	if err != nil {
		return domain.ManualItemPatch{}, err
	}
	return p.Validate()
}

// read returns the body's fields as a change not yet validated, or the
// error of the first field wrong before a number that cannot be read, else
// that number's: the domain checks the fields in their order.
func (b manualItemBody) read() (domain.ManualItemPatch, error) {
	p := domain.ManualItemPatch{Description: b.Description, Reference: b.Reference}
	numbers := []struct {
		field string
		raw   json.RawMessage
		to    **decimal.Decimal
	}{{"quantity", b.Quantity, &p.Quantity}, {"unitPrice", b.UnitPrice, &p.UnitPrice}}
	for _, n := range numbers {
		d, err := readDecimal(n.field, n.raw)
		if err != nil {
			if p != (domain.ManualItemPatch{}) {
				if _, before := p.Validate(); before != nil {
					return domain.ManualItemPatch{}, before
				}
			}
			return domain.ManualItemPatch{}, err
		}
		*n.to = d
	}
	return p, nil
}

// plainDecimal is the notation numbers in requests are read in: digits, an
// optional sign and fraction, no exponent, bounded length.
var plainDecimal = regexp.MustCompile(`^-?[0-9]{1,30}(\.[0-9]{1,30})?$`)

func isAbsent(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }

// readDecimal reads a number a request carries as a JSON number or a JSON
// string, from its text. It returns nil when the field is absent or null, a
// malformed_json *Error when it is another JSON type, and an
// invalid_request *Error when the text is not a plain decimal number.
func readDecimal(field string, raw json.RawMessage) (*decimal.Decimal, error) {
	if isAbsent(raw) {
		return nil, nil
	}
	text := string(raw)
	switch c := raw[0]; {
	case c == '"':
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, domain.MalformedJSON("Field %q must be a number or a string holding one.", field)
		}
	case c == '-' || (c >= '0' && c <= '9'):
	default:
		return nil, domain.MalformedJSON("Field %q must be a number or a string holding one.", field)
	}
	if !plainDecimal.MatchString(text) {
		return nil, domain.Invalid("%s must be a decimal number such as 2.5 or \"2.50\".", field)
	}
	d, err := decimal.NewFromString(text)
	if err != nil {
		return nil, domain.Invalid("%s must be a decimal number such as 2.5 or \"2.50\".", field)
	}
	return &d, nil
}
