package org

// Lang is a language that text for customers and staff comes in: fee
// explanations, decision reasons, notices. Each package keeps one message
// catalogue with every message in every Lang.
type Lang string

// The languages of the dealership: English, and Traditional Chinese (the
// dealership's own).
const (
	English            Lang = "en"
	TraditionalChinese Lang = "zh-Hant"
)

// Langs lists the languages every catalogue covers.
func Langs() []Lang { return []Lang{English, TraditionalChinese} }
