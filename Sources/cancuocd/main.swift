import CancuocService
print("cancuocd \(CancuocService.version)")
