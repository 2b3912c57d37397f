import AdminUnits

extension CitizenRecord.Person {
    /// Resolves the place of origin and the place of residence to administrative units with
    /// their codes, with the list in force on the date of issue preferred (docs/address.md,
    /// docs/address.md). No network, no file: the data is compiled into AdminUnits.
    mutating func resolveAddresses() {
        let resolver = AddressResolver()
        placeOfOriginAddress = placeOfOrigin.map { resolver.resolve($0, issued: dateOfIssue) }
        placeOfResidenceAddress = placeOfResidence.map { resolver.resolve($0, issued: dateOfIssue) }
    }
}
