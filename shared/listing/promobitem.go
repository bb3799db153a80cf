package listing

import "github.com/foccolojas/promob-integration/shared/domain"

// PromobItem returns the item as the domain keeps it: its index in the
// listing is its id, its parent's index its parent.
func (it Item) PromobItem() domain.PromobItem {
	p := domain.PromobItem{
		ID: domain.PromobItemID(it.Index), Level: it.Level, Category: it.Category, HasChildren: it.HasChildren,
		CatalogID: it.ID, UniqueID: it.UniqueID, UniqueParentID: it.UniqueParentID, GUID: it.GUID,
		Reference: it.Reference, Description: it.Description, Unit: it.Unit,
		Width: it.Width, Height: it.Height, Depth: it.Depth, Family: it.Family, Group: it.Group,
		Component: it.Component, Structure: it.Structure, StructureKey: it.StructureKey,
		Quantity: it.Quantity, RealQuantity: it.RealQuantity,
		PriceTable: it.Price.Table, PriceUnit: it.Price.Unit, PriceTotal: it.Price.Total, PriceTotalComponents: it.Price.TotalComponents,
	}
	if it.Parent >= 0 {
		p.Parent = domain.PromobItemID(it.Parent)
	}
	return p
}
