package report_test

import (
	"math"
	"testing"

	"github.com/nines-sre/nines/report"
)

func TestMoney(t *testing.T) {
	tests := []struct {
		amount   float64
		currency string
		want     string
	}{
		{1234.5, "EUR", "€1,234.50"},
		{0, "USD", "$0.00"},
		{1234567.891, "GBP", "£1,234,567.89"},
		{1234.5, "JPY", "¥1,235"},
		{1234.5, "CHF", "1,234.50 CHF"},
		{-56, "EUR", "-€56.00"},
		{-0.001, "EUR", "€0.00"},
		{42, "", "42.00"},
		{math.NaN(), "EUR", "n/a"},
	}
	for _, tt := range tests {
		if got := report.Money(tt.amount, tt.currency); got != tt.want {
			t.Errorf("Money(%v, %q) = %q, want %q", tt.amount, tt.currency, got, tt.want)
		}
	}
}
