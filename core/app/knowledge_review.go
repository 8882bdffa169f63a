package app

import (
	"vorgang/core/definition"
	"vorgang/core/knowledge"
)

// knowledgeReview answers the knowledge base's question which categories
// are reviewed from the current catalog, so a reload of the definitions
// applies to the next save.
func knowledgeReview(catalog func() *definition.Catalog) func(string) (knowledge.ReviewRule, bool) {
	return func(category string) (knowledge.ReviewRule, bool) {
		k := catalog().KnowledgeCategoryOf(category)
		if k == nil || k.Review == nil {
			return knowledge.ReviewRule{}, false
		}
		return knowledge.ReviewRule{Category: k.ID.Value, Role: k.Review.Role.Value}, true
	}
}
