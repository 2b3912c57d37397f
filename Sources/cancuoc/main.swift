import CancuocService
print("cancuoc \(CancuocService.version)")
