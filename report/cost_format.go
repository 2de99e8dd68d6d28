package report

import (
	"math"
	"strconv"
	"strings"
)

// currencies maps the ISO 4217 codes with a common symbol to it and their
// minor-unit digits. Other codes are written after the amount ("1,234.50 CHF").
var currencies = map[string]struct {
	symbol   string
	decimals int
}{
	"EUR": {"€", 2},
	"USD": {"$", 2},
	"GBP": {"£", 2},
	"JPY": {"¥", 0},
	"INR": {"₹", 2},
	"CNY": {"¥", 2},
	"KRW": {"₩", 0},
}

// currencyDecimals is the minor-unit digits of code: 2 unless known otherwise.
func currencyDecimals(code string) int {
	if c, ok := currencies[code]; ok {
		return c.decimals
	}
	return 2
}

// Money formats an amount in a currency for people: "€1,234.50", "$12.00",
// "¥1,235", "1,234.50 CHF". NaN and infinities are "n/a"; no currency prints
// the number alone.
func Money(amount float64, currency string) string {
	if !finite(amount) {
		return NA
	}
	dec := currencyDecimals(currency)
	// Half a cent rounds up (away from zero), as invoices do.
	scale := math.Pow10(dec)
	num := groupThousands(fixed(math.Round(math.Abs(amount)*scale)/scale, dec))
	sign := ""
	if amount < 0 && strings.Trim(num, "0.,") != "" {
		sign = "-"
	}
	if c, ok := currencies[currency]; ok {
		return sign + c.symbol + num
	}
	if currency == "" {
		return sign + num
	}
	return sign + num + " " + currency
}

// groupThousands puts commas between the thousands of a non-negative number
// written with an optional fraction: "1234567.5" is "1,234,567.5".
func groupThousands(s string) string {
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// excelCurrencyFormat is the Excel number format of amounts in currency:
// the symbol as a quoted literal before the amount (after it for codes
// without a symbol), thousands separators, the currency's decimals, and
// negatives in red. Quoted literals read the same in Excel and LibreOffice
// whatever their locale.
func excelCurrencyFormat(currency string) string {
	num := "#,##0"
	if d := currencyDecimals(currency); d > 0 {
		num += "." + strings.Repeat("0", d)
	}
	lit := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	if c, ok := currencies[currency]; ok {
		p := lit(c.symbol) + num
		return p + ";[Red]-" + p
	}
	if currency == "" {
		return num + ";[Red]-" + num
	}
	p := num + " " + lit(currency)
	return p + ";[Red]-" + p
}

// plainNumber formats v with up to 6 decimals and no trailing zeros, for
// formula inputs such as people, hours and rates.
func plainNumber(v float64) string {
	if !finite(v) {
		return NA
	}
	return strconv.FormatFloat(math.Round(v*1e6)/1e6+0, 'f', -1, 64)
}
