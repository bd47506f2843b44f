package com.usdtcnpaybridge.packaging;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.Test;

/**
 * One direction between the bridge's packages, lowest first: {@code metrics} and {@code store}
 * (meters and database helpers, nothing of the bridge) ← {@code platform} (the platform's wire: requests, answers, statuses, token, breaker)
 * ← {@code notify} (the ERP outbox and its delivery) ← {@code order} (the order state machine and
 * the one repository of payment_order) ← {@code batch} (files in and out) ← {@code ops} (what
 * operators see and do) ← the application's wiring. A cycle, or a lower package reaching up,
 * fails the build.
 */
class PackageDirectionTest {
    static final JavaClasses BRIDGE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.usdtcnpaybridge");

    @Test
    void noTwoPackagesDependOnEachOther() {
        slices().matching("com.usdtcnpaybridge.(*)..").should().beFreeOfCycles().check(BRIDGE);
    }

    @Test
    void eachPackageUsesOnlyThoseBelowIt() {
        Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("metrics").definedBy("com.usdtcnpaybridge.metrics..")
                .layer("store").definedBy("com.usdtcnpaybridge.store..")
                .layer("platform").definedBy("com.usdtcnpaybridge.platform..")
                .layer("notify").definedBy("com.usdtcnpaybridge.notify..")
                .layer("order").definedBy("com.usdtcnpaybridge.order..")
                .layer("batch").definedBy("com.usdtcnpaybridge.batch..")
                .layer("ops").definedBy("com.usdtcnpaybridge.ops..")
                .whereLayer("ops").mayNotBeAccessedByAnyLayer()
                .whereLayer("batch").mayOnlyBeAccessedByLayers("ops")
                .whereLayer("order").mayOnlyBeAccessedByLayers("batch", "ops")
                .whereLayer("notify").mayOnlyBeAccessedByLayers("order", "batch", "ops")
                .whereLayer("platform").mayOnlyBeAccessedByLayers("notify", "order", "batch", "ops")
                .whereLayer("store").mayOnlyBeAccessedByLayers("platform", "notify", "order", "batch", "ops")
                .whereLayer("metrics").mayOnlyBeAccessedByLayers("platform", "notify", "order", "batch", "ops")
                .check(BRIDGE);
    }
}
