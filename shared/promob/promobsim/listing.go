package promobsim

import (
	"bytes"
	"encoding/xml"
	"hash/fnv"

	"github.com/foccolojas/promob-integration/shared/listing/listinggen"
)

// generated returns a listing for environment envID of project p, named
// name, with the project's customer.
func generated(a *account, p *project, envID, name string, parts int, seed int64) []byte {
	customer := ""
	if c := a.Customers[p.CustomerID]; c != nil {
		customer = c.Name
	}
	return listinggen.Bytes(listinggen.Spec{ProjectGUID: p.ID, EnvironmentGUID: envID, EnvironmentName: name,
		CustomerName: customer, Parts: parts, Seed: seed})
}

// seedOf derives a listing seed from an id.
func seedOf(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int64(h.Sum64() >> 1)
}

// retarget returns a copy of listing that belongs to another environment:
// PROJECTGUID@GUID, and the first AMBIENT's GUID and DESCRIPTION, replaced.
// Listings without those attributes come back unchanged.
func retarget(listing []byte, projectID, envID, name string) []byte {
	out := bytes.Clone(listing)
	out = replaceInTag(out, []byte("<PROJECTGUID "), "GUID", projectID)
	out = replaceInTag(out, []byte("<AMBIENT "), "GUID", envID)
	return replaceInTag(out, []byte("<AMBIENT "), "DESCRIPTION", name)
}

// replaceInTag sets attribute attr of the first start tag beginning with
// open to value (escaped).
func replaceInTag(doc, open []byte, attr, value string) []byte {
	start := bytes.Index(doc, open)
	if start < 0 {
		return doc
	}
	end := bytes.IndexByte(doc[start:], '>')
	if end < 0 {
		return doc
	}
	tag := doc[start : start+end]
	at := bytes.Index(tag, []byte(" "+attr+`="`))
	if at < 0 {
		return doc
	}
	from := start + at + len(attr) + 3
	to := bytes.IndexByte(doc[from:], '"')
	if to < 0 {
		return doc
	}
	var esc bytes.Buffer
	_ = xml.EscapeText(&esc, []byte(value))
	return append(doc[:from:from], append(esc.Bytes(), doc[from+to:]...)...)
}
