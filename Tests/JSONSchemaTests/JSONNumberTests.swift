import XCTest
@testable import JSONSchema

final class JSONNumberTests: XCTestCase {
    func testEqualityIsMathematical() {
        XCTAssertEqual(JSONNumber("1"), JSONNumber("1.0"))
        XCTAssertEqual(JSONNumber("10e-1"), JSONNumber("1"))
        XCTAssertEqual(JSONNumber("-0"), JSONNumber("0.000"))
        XCTAssertNotEqual(JSONNumber("1"), JSONNumber("-1"))
    }

    func testGrammar() {
        for bad in ["", "-", "01", "1.", ".5", "1e", "+1", "0x1", "1 ", "NaN", "Infinity"] {
            XCTAssertNil(JSONNumber(bad), bad)
        }
        for good in ["0", "-0", "1.5e+10", "123456789012345678901234567890", "0.000001E-3"] {
            XCTAssertNotNil(JSONNumber(good), good)
        }
    }

    func testOrderKeepsEveryDigit() {
        let big = JSONNumber("123456789012345678901234567890")!
        let bigger = JSONNumber("123456789012345678901234567891")!
        XCTAssertLessThan(big, bigger)
        XCTAssertLessThan(JSONNumber("-2")!, JSONNumber("-1.5")!)
        XCTAssertLessThan(JSONNumber("0.1")!, JSONNumber("0.1000000000000000000001")!)
        XCTAssertTrue(JSONNumber("2.50e1")!.isInteger)
        XCTAssertFalse(JSONNumber("2.55e1")!.isInteger)
        XCTAssertEqual(JSONNumber("2.50e1")!.intValue, 25)
        XCTAssertNil(JSONNumber("1e30")!.intValue)
    }
}
