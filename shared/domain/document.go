package domain

import "strings"

// digits returns s without its formatting characters ('.', '-', '/', ' '), and
// false when anything else than a digit is left.
func digits(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '.' || r == '-' || r == '/' || r == ' ':
		default:
			return "", false
		}
	}
	return b.String(), true
}

// allSame reports whether every digit of s is the same (such numbers pass the
// check digits but are not valid documents).
func allSame(s string) bool {
	return strings.Count(s, s[:1]) == len(s)
}

// checkDigit computes a mod-11 check digit of ds with the weights.
func checkDigit(ds string, weights []int) byte {
	sum := 0
	for i, w := range weights {
		sum += int(ds[i]-'0') * w
	}
	r := sum % 11
	if r < 2 {
		return '0'
	}
	return byte('0' + 11 - r)
}

// NormalizeCNPJ returns the 14 digits of a CNPJ given formatted
// (12.345.678/0001-95) or not, and false when it is not a valid CNPJ.
func NormalizeCNPJ(s string) (string, bool) {
	d, ok := digits(s)
	if !ok || len(d) != 14 || allSame(d) {
		return "", false
	}
	w1 := []int{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}
	w2 := []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}
	if checkDigit(d, w1) != d[12] || checkDigit(d, w2) != d[13] {
		return "", false
	}
	return d, true
}

// NormalizeCPF returns the 11 digits of a CPF given formatted (123.456.789-09)
// or not, and false when it is not a valid CPF.
func NormalizeCPF(s string) (string, bool) {
	d, ok := digits(s)
	if !ok || len(d) != 11 || allSame(d) {
		return "", false
	}
	w1 := []int{10, 9, 8, 7, 6, 5, 4, 3, 2}
	w2 := []int{11, 10, 9, 8, 7, 6, 5, 4, 3, 2}
	if checkDigit(d, w1) != d[9] || checkDigit(d, w2) != d[10] {
		return "", false
	}
	return d, true
}
